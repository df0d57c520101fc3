"""Batches of many calls: resumable, parallel, and safe to interrupt.

    result = run_batch(calls, out_dir, AnalyzeOptions(timeline=True), jobs=2)

For each call ``out_dir/<name>.json`` (the ``sincerity.report/1`` report plus a ``batch``
block with its resume key) and, when a renderer is given, ``out_dir/<name>.html``.  A call
that fails leaves ``out_dir/<name>.error.json`` ({path, reason, batch}) and the batch goes
on.  Every file is written to a hidden temporary name and renamed into place, the JSON
last, so a kill at any moment leaves only complete results (stale temporaries are removed
by the next run).  A rerun skips calls whose key (content + settings) matches their
stored result, and loads no model when nothing is left to do.

Write failures of the output folder (read-only, disk full) stop the batch: they are not a
call's fault.  ``BatchError`` carries the one-line reason.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from .batch_inputs import CallInput, content_sha256, result_key, settings_sha256

ERROR_SCHEMA = "sincerity.batch-error/1"
TMP_MARK = ".tmp-"

# render_html(report, audio_href, ogg_opus_bytes_or_None) -> the page (a face provides it)
HtmlRenderer = Callable[[dict, str, Optional[bytes]], str]


class BatchError(Exception):
    """The batch cannot go on (output folder unwritable, workers cannot start): one line."""


@dataclass(frozen=True)
class BatchProgress:
    """Counts so far.  audio_s: seconds of audio analysed in this run; wall_s: seconds
    since the run started; speed_x: audio_s / wall_s (x real time)."""

    total: int
    done: int
    failed: int
    skipped: int
    audio_s: float
    wall_s: float
    last: str = ""
    analysed: int = 0  # calls that went through a worker in this run (done or failed)
    last_error: str = ""  # the reason, when ``last`` just failed

    @property
    def eta_s(self) -> Optional[float]:
        """Seconds left at this run's pace so far (None before the first call is back)."""
        if self.analysed == 0:
            return None
        return (self.total - self.finished) * self.wall_s / self.analysed

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.skipped

    @property
    def speed_x(self) -> float:
        return self.audio_s / self.wall_s if self.wall_s > 0 else 0.0


@dataclass
class CallRow:
    """One call's place in the batch: status "done" (this run), "skipped" (result already
    there), or "failed" (reason); ``report_path`` when a report exists."""

    path: str
    name: str
    status: str
    reason: str = ""
    report_path: Optional[Path] = None
    html_path: Optional[Path] = None


@dataclass
class BatchResult:
    """done / skipped: names of calls analysed now / reused; failed: (path, reason);
    audio_s: seconds of audio analysed in this run; wall_s: the run's duration."""

    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    audio_s: float = 0.0
    wall_s: float = 0.0
    calls: list[CallRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden temporary file and a rename, so readers
    and a kill never see half a file.  Raises BatchError when the folder cannot be written."""
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise BatchError(f"cannot write results to {path.parent}: {exc.strerror or exc}") from None


def _check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from None
    atomic_write(out_dir / ".sincerity-write-check", b"ok\n")
    (out_dir / ".sincerity-write-check").unlink(missing_ok=True)


def _remove_stale_temporaries(out_dir: Path) -> None:
    for tmp in out_dir.rglob(f".*{TMP_MARK}*"):
        try:
            tmp.unlink()
        except OSError:
            pass


def _stored_key(path: Path) -> Optional[str]:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("batch", {}).get("key")
    except (OSError, ValueError, AttributeError):
        return None


class _Writer:
    """Writes one call's results into the output folder."""

    def __init__(self, out_dir: Path, render_html: Optional[HtmlRenderer]):
        self.out_dir = out_dir
        self.render_html = render_html

    def paths(self, call: CallInput) -> tuple[Path, Path, Path]:
        base = self.out_dir / call.name
        return base.with_name(base.name + ".json"), base.with_name(base.name + ".html"), base.with_name(base.name + ".error.json")

    def done(self, call: CallInput, report: dict, audio: Optional[bytes], batch_block: dict) -> tuple[Path, Optional[Path]]:
        json_path, html_path, error_path = self.paths(call)
        report = {**report, "batch": batch_block}
        written_html = None
        if self.render_html is not None:
            href = Path(os.path.relpath(Path(call.path).resolve(), html_path.parent.resolve())).as_posix()
            atomic_write(html_path, self.render_html(report, href, audio).encode("utf-8"))
            written_html = html_path
        atomic_write(json_path, json.dumps(report, indent=1).encode("utf-8"))  # last: marks the call done
        error_path.unlink(missing_ok=True)
        return json_path, written_html

    def failed(self, call: CallInput, reason: str, batch_block: Optional[dict], key: Optional[str]) -> None:
        json_path, html_path, error_path = self.paths(call)
        if _stored_key(json_path) != key:  # a changed file that now fails: no stale report
            for stale in (json_path, html_path):
                stale.unlink(missing_ok=True)
        record = {"schema": ERROR_SCHEMA, "path": str(call.path), "reason": reason}
        if batch_block is not None:  # only a bad input is kept as settled
            record["batch"] = batch_block
        atomic_write(error_path, json.dumps(record, indent=1).encode("utf-8"))


def _size_bytes(path: str) -> int:
    """A call's file size: its length, near enough, for the order calls are started in."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def run_batch(
    calls: Sequence[CallInput],
    out_dir: Path,
    options,
    jobs: Optional[int] = None,
    ray_address: Optional[str] = None,
    force: bool = False,
    on_progress: Optional[Callable[[BatchProgress], None]] = None,
    render_html: Optional[HtmlRenderer] = None,
    embed_audio: bool = False,
) -> BatchResult:
    """Analyse ``calls`` (from ``batch_inputs.discover``) into ``out_dir``.

    options: AnalyzeOptions; jobs: worker processes (default os.cpu_count()) or, with
    ``ray_address`` ("auto", "local" or "ray://host:port" / "host:port"), Ray actors
    (default: the cluster's CPUs).  force: redo calls already done.  on_progress: called
    after each call.  render_html: the HTML face; embed_audio: put the call's audio in it.
    Raises BatchError when the output cannot be written or the workers cannot start.
    """
    tic = time.perf_counter()
    out_dir = Path(out_dir)
    _check_writable(out_dir)
    _remove_stale_temporaries(out_dir)
    writer = _Writer(out_dir, render_html)
    settings = settings_sha256(options, {"html": render_html is not None, "embed_audio": embed_audio})
    result = BatchResult()
    rows: list[CallRow] = [CallRow(str(c.path), c.name, "pending") for c in calls]
    blocks: dict[int, dict] = {}
    todo: list[tuple[int, str]] = []

    analysed = 0

    def progress(last: str = "", error: str = "") -> None:
        if on_progress is not None:
            on_progress(BatchProgress(len(calls), len(result.done), len(result.failed), len(result.skipped), result.audio_s, time.perf_counter() - tic, last, analysed, error))

    def fail(i: int, reason: str, persistent_block: Optional[dict]) -> None:
        writer.failed(calls[i], reason, persistent_block, blocks.get(i, {}).get("key"))
        rows[i].status, rows[i].reason = "failed", reason
        result.failed.append((str(calls[i].path), reason))
        progress(str(calls[i].path), reason)

    for i, call in enumerate(calls):
        try:
            content = content_sha256(Path(call.path))
        except OSError as exc:
            fail(i, _unreadable_reason(call.path, exc), None)
            continue
        block = {"key": result_key(content, settings), "content_sha256": content, "settings_sha256": settings, "name": call.name}
        blocks[i] = block
        json_path, html_path, error_path = writer.paths(call)
        if not force and _stored_key(json_path) == block["key"] and (render_html is None or html_path.is_file()):
            rows[i].status, rows[i].report_path = "skipped", json_path
            rows[i].html_path = html_path if html_path.is_file() else None
            result.skipped.append(call.name)
        elif not force and _stored_key(error_path) == block["key"]:
            reason = json.loads(error_path.read_text(encoding="utf-8")).get("reason", "failed earlier")
            rows[i].status, rows[i].reason = "failed", reason
            result.failed.append((str(call.path), reason))
            progress(str(call.path), reason)
        else:
            todo.append((i, str(call.path)))
    progress()
    todo.sort(key=lambda item: -_size_bytes(item[1]))  # longest first: no worker idles at the end
    if todo:
        with _runner(options, jobs, ray_address, embed_audio) as runner:
            for i, outcome in runner.run(todo):
                if outcome[0] == "fatal":
                    raise BatchError(outcome[1])
                if outcome[0] == "ok":
                    _, report, audio = outcome
                    rows[i].report_path, rows[i].html_path = writer.done(calls[i], report, audio, blocks[i])
                    rows[i].status = "done"
                    result.done.append(calls[i].name)
                    result.audio_s += float(report.get("duration_s") or 0.0)
                else:
                    _, reason, persistent = outcome
                    analysed += 1
                    fail(i, reason, blocks[i] if persistent else None)
                    continue
                analysed += 1
                progress(str(calls[i].path))
    result.calls = rows
    result.wall_s = time.perf_counter() - tic
    return result


def _unreadable_reason(path: Path, exc: OSError) -> str:
    if Path(path).is_dir():
        return f"{path}: is a directory, not an audio file"
    if not os.path.lexists(path):
        return f"{path}: no such file"
    return f"{path}: cannot read the file ({exc.strerror or exc.__class__.__name__})"


def _runner(options, jobs: Optional[int], ray_address: Optional[str], embed_audio: bool):
    if ray_address:
        from .batch_ray import RayRunner

        return RayRunner(options, ray_address, jobs, embed_audio)
    from .batch_workers import LocalRunner

    return LocalRunner(options, jobs or os.cpu_count() or 1, embed_audio)
