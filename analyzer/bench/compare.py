"""Side by side: this run against a previous record (``sincerity bench --compare OLD``).

Each row: a metric, the previous and current value, current / previous (timings: below 1
is faster now) and a note.  For timings repeated in a run the note says "within run-to-run noise"
when the two runs' [min, max] ranges overlap (a single-run side is a point, judged against
the other side's range); with one run on each side there is no noise estimate and the
note says so.  Accuracy figures are
compared as differences (a ratio of F1s reads badly) with the counts behind them.
"""

from __future__ import annotations

from typing import Optional

from .record import STAGES


def _get(record: dict, path: str):
    node = record
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _noise_note(old: dict, new: dict) -> str:
    """Compare [min, max] of the repeats; a single run is judged against the other's range."""
    runs_old, runs_new = len(old.get("runs", [])), len(new.get("runs", []))
    if max(runs_old, runs_new) < 2:
        return "one run on each side: noise not measured"
    if old["min"] <= new["max"] and new["min"] <= old["max"]:
        return "within run-to-run noise (ranges overlap)"
    return "outside run-to-run noise" + (" (faster)" if new["max"] < old["min"] else " (slower)")


def _ratio(new, old) -> Optional[float]:
    return round(new / old, 3) if isinstance(new, (int, float)) and isinstance(old, (int, float)) and old else None


def timing_rows(previous: dict, current: dict) -> list[dict]:
    rows = []
    spread_metrics = [(f"post-call RTF {s}", f"post_call.rtf.{s}") for s in STAGES]
    spread_metrics += [("plain faster-whisper RTF", "peers.whisper.rtf"),
                       ("analyzer total / plain faster-whisper", "peers.whisper.overhead_ratio")]
    for label, path in spread_metrics:
        old, new = _get(previous, path), _get(current, path)
        if isinstance(old, dict) and isinstance(new, dict) and "median" in old and "median" in new:
            rows.append({"metric": label, "previous": old["median"], "current": new["median"],
                         "ratio": _ratio(new["median"], old["median"]), "note": _noise_note(old, new)})
    plain = [("model load s", "post_call.model_load_s"), ("peak RSS MB", "post_call.peak_rss_mb"),
             ("live tone-flag latency median s", "live.tone_flag_latency_s.median"),
             ("live tone-flag latency p95 s", "live.tone_flag_latency_s.p95"),
             ("live CPU share of one core", "live.cpu_share_of_one_core.mean"),
             ("live agents (estimate)", "live.agents.estimate"),
             ("batch speed-up", "batch.speed_up"),
             ("laughter peer compute / ours", "peers.laughter.ratio_compute_peer_over_ours")]
    for label, path in plain:
        old, new = _get(previous, path), _get(current, path)
        if old is not None and new is not None:
            rows.append({"metric": label, "previous": old, "current": new, "ratio": _ratio(new, old),
                         "note": "single figure per run: noise not measured"})
    return rows


def accuracy_rows(previous: dict, current: dict, key: str = "bench_set") -> list[dict]:
    old, new = _get(previous, f"accuracy.{key}"), _get(current, f"accuracy.{key}")
    if not isinstance(old, dict) or not isinstance(new, dict) or "skipped" in old or "skipped" in new:
        return []
    pairs = [("apologies recall", "apologies.recall", "apologies"), ("apologies precision", "apologies.precision", "apologies")]
    pairs += [(f"{flag} F1", f"flags.{flag}.f1", f"flags.{flag}") for flag in new.get("flags", {})]
    rows = []
    for label, path, counts in pairs:
        a, b = _get(old, path), _get(new, path)
        if a is None or b is None:
            continue
        ca, cb = _get(old, counts), _get(new, counts)
        same = all(ca.get(k) == cb.get(k) for k in ("tp", "fp", "fn"))
        note = "same counts" if same else f"tp/fp/fn {ca['tp']}/{ca['fp']}/{ca['fn']} -> {cb['tp']}/{cb['fp']}/{cb['fn']}"
        rows.append({"metric": label, "previous": a, "current": b, "difference": round(b - a, 3), "note": note})
    return rows


def compare(previous: dict, current: dict) -> dict:
    """The ``comparison`` block: the two runs' identities and the rows."""

    def who(r):
        m = r.get("machine", {})
        return {"created_utc": r.get("created_utc"), "mode": r.get("mode"), "cpu_model": m.get("cpu_model"),
                "cpu_cores": m.get("cpu_cores"), "gpus": [g.get("name") for g in m.get("gpus", [])],
                "model": (m.get("model") or {}).get("model"), "compute_type": (m.get("model") or {}).get("compute_type")}

    return {"previous": who(previous), "current": who(current),
            "timings": timing_rows(previous, current), "accuracy": accuracy_rows(previous, current)}
