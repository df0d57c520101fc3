"""The batch's tables: one row per call (``summary``) and one per agent (``agents``),
written as CSV and Parquet (pyarrow) into the output folder.

Call columns: path, name, agent, status (done / skipped / failed), error, duration_s,
apologies, flagged_apologies, followed_through, flag_<kind> for every flag kind,
median_speaking_rate_sps, median_rate_vs_baseline, median_pitch_shift_st,
median_range_vs_baseline, median_peak_shift_st (medians over the call's apologies),
laughter_s, real_time_factor, report, html (paths relative to the output folder).
Agent columns: agent, calls, failed, audio_h, apologies, flagged_apologies,
flagged_share, flag_<kind>, and the same medians over all the agent's apologies.
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from pathlib import Path
from typing import Iterable, Optional, Sequence

from .batch import BatchError, CallRow, atomic_write

FLAG_KINDS = ("rushed", "cheerful", "flat", "nervous_laugh", "qualified", "minimizing", "casual", "scripted", "no_empathy", "no_action")
MEDIAN_MEASURES = ("speaking_rate_sps", "rate_vs_baseline", "pitch_shift_st", "range_vs_baseline", "peak_shift_st")
UNKNOWN_AGENT = "unknown"


class AgentResolver:
    """Which agent a call belongs to: a regular expression with a named group ``agent``
    searched in the call's path (``--agent-pattern``), or a metadata CSV with ``path`` and
    ``agent`` columns (``--metadata``; path as given, absolute, or the file name).
    Raises ValueError (one line) for a bad pattern or CSV."""

    def __init__(self, pattern: Optional[str] = None, metadata: Optional[Path] = None):
        self.pattern = None
        if pattern:
            try:
                self.pattern = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"--agent-pattern {pattern!r} is not a valid regular expression: {exc}") from None
            if "agent" not in self.pattern.groupindex:
                raise ValueError(f"--agent-pattern {pattern!r} needs a named group (?P<agent>...)")
        self.table: dict[str, str] = {}
        if metadata is not None:
            self.table = _read_metadata(Path(metadata))

    def agent(self, path: str) -> str:
        if self.table:
            for key in (path, str(Path(path).resolve()), Path(path).name):
                if key in self.table:
                    return self.table[key]
        if self.pattern is not None:
            match = self.pattern.search(Path(path).as_posix())
            if match and match.group("agent"):
                return match.group("agent")
        return UNKNOWN_AGENT


def _read_metadata(path: Path) -> dict[str, str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            if "path" not in columns or "agent" not in columns:
                raise ValueError(f"{path}: the metadata CSV needs 'path' and 'agent' columns (has: {', '.join(columns) or 'none'})")
            table = {}
            for row in reader:
                row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                if row["path"]:
                    table[row["path"]] = row["agent"] or UNKNOWN_AGENT
                    table.setdefault(str(Path(row["path"]).resolve()), table[row["path"]])
                    table.setdefault(Path(row["path"]).name, table[row["path"]])
            return table
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the metadata CSV ({exc.strerror or exc})") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable CSV ({exc})") from None


def _median(values: Sequence[float]) -> Optional[float]:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def _rel(path: Optional[Path], out_dir: Path) -> str:
    return Path(path).relative_to(out_dir).as_posix() if path else ""


def build_tables(calls: Iterable[CallRow], out_dir: Path, agents: AgentResolver) -> tuple[list[dict], list[dict]]:
    """(call rows, agent rows) from the batch's calls and their stored reports."""
    rows: list[dict] = []
    per_agent: dict[str, dict] = {}
    for call in calls:
        agent = agents.agent(call.path)
        report = {}
        if call.report_path is not None:
            try:
                report = json.loads(Path(call.report_path).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                report = {}
        apologies = report.get("apologies", [])
        summary = report.get("summary", {})
        flags = summary.get("flags", {})
        row = {
            "path": call.path,
            "name": call.name,
            "agent": agent,
            "status": call.status,
            "error": call.reason,
            "duration_s": report.get("duration_s"),
            "apologies": summary.get("apologies"),
            "flagged_apologies": summary.get("flagged_apologies"),
            "followed_through": summary.get("followed_through"),
        }
        for kind in FLAG_KINDS + tuple(sorted(set(flags) - set(FLAG_KINDS))):
            row[f"flag_{kind}"] = flags.get(kind, 0) if report else None
        for measure in MEDIAN_MEASURES:
            row[f"median_{measure}"] = _median([a["measures"].get(measure) for a in apologies])
        row["laughter_s"] = round(sum(l["end"] - l["start"] for l in report.get("laughter", [])), 3) if report else None
        row["real_time_factor"] = (report.get("timings") or {}).get("real_time_factor")
        row["report"] = _rel(call.report_path, out_dir)
        row["html"] = _rel(call.html_path, out_dir)
        rows.append(row)
        group = per_agent.setdefault(agent, {"calls": 0, "failed": 0, "audio_s": 0.0, "apologies": [], "flags": {}})
        group["calls"] += 1
        group["failed"] += call.status == "failed"
        group["audio_s"] += report.get("duration_s") or 0.0
        group["apologies"] += apologies
        for kind, count in flags.items():
            group["flags"][kind] = group["flags"].get(kind, 0) + count
    flag_columns = sorted({k for r in rows for k in r if k.startswith("flag_")})
    for row in rows:  # every row has every column (CSV, Parquet schema)
        for column in flag_columns:
            row.setdefault(column, None if row["status"] == "failed" else 0)
    return rows, [_agent_row(agent, g) for agent, g in sorted(per_agent.items())]


def _agent_row(agent: str, g: dict) -> dict:
    apologies = g["apologies"]
    flagged = sum(1 for a in apologies if a["flags"])
    row = {
        "agent": agent,
        "calls": g["calls"],
        "failed": g["failed"],
        "audio_h": round(g["audio_s"] / 3600.0, 3),
        "apologies": len(apologies),
        "flagged_apologies": flagged,
        "flagged_share": round(flagged / len(apologies), 3) if apologies else None,
    }
    for kind in FLAG_KINDS + tuple(sorted(set(g["flags"]) - set(FLAG_KINDS))):
        row[f"flag_{kind}"] = g["flags"].get(kind, 0)
    for measure in MEDIAN_MEASURES:
        row[f"median_{measure}"] = _median([a["measures"].get(measure) for a in apologies])
    return row


def _csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    columns = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _parquet_bytes(rows: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(dict.fromkeys(k for r in rows for k in r))
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def write_tables(out_dir: Path, rows: list[dict], agents: list[dict]) -> list[Path]:
    """summary.csv/.parquet and agents.csv/.parquet in ``out_dir`` (atomic writes).
    Without pyarrow only the CSVs are written.  Raises BatchError on write failure."""
    written = []
    try:
        import pyarrow  # noqa: F401

        have_parquet = True
    except ImportError:
        have_parquet = False
    for stem, table in (("summary", rows), ("agents", agents)):
        atomic_write(out_dir / f"{stem}.csv", _csv_bytes(table))
        written.append(out_dir / f"{stem}.csv")
        if have_parquet and table:
            atomic_write(out_dir / f"{stem}.parquet", _parquet_bytes(table))
            written.append(out_dir / f"{stem}.parquet")
    return written


__all__ = ["AgentResolver", "BatchError", "FLAG_KINDS", "build_tables", "write_tables"]
