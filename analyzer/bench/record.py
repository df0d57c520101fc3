"""The bench record: one JSON document per run, schema ``sincerity.bench/1``.

Supervisors collect these from many machines, so the layout is a contract: later versions
add keys, never rename or remove them (a breaking change would be ``sincerity.bench/2``).
Units are in the key names (``_s`` seconds, ``_mb`` megabytes, ``rtf`` = compute seconds
per audio second, lower is faster).  A section that could not run holds
``{"skipped": "<why>"}`` instead of figures.

    {
      "schema": "sincerity.bench/1",
      "created_utc": "2026-12-01T20:00:00Z", "mode": "quick" | "full", "wall_s": 48.2,
      "settings": {"model", "device", "compute_type", "beam_size", "repeats", "labelled": [dirs],
                   "live_clips": [names]},
      "machine": {"cpu_model", "cpu_cores", "cpu_cores_usable", "total_gb", "available_gb",
                  "gpus": [{"name", "memory_mb", "driver"}], "cuda_devices", "onnx_providers",
                  "os", "libraries": {name: version}, "model": {...},
                  "load_average_at_start": [1, 5, 15 min]},
      "post_call": {"files", "audio_s", "repeats", "model_load_s", "warm_up_s", "peak_rss_mb",
                    "rtf": {stage: {"min", "median", "max", "runs": [...]}}},
                    # stages: decode vad asr pitch laughter wording rest total
      "batch": {"runs": [{"jobs", "files", "audio_s", "wall_s", "x_real_time"}], "speed_up"},
      "live": {"clips", "audio_s", "tone_flag_latency_s": {"n", "median", "p95", "max"},
               "apology_latency_s": {...}, "wording_flag_latency_s": {...},
               "cpu_share_of_one_core": {"mean", "runs"}, "behind_events", "overflows",
               "peak_rss_mb", "agents": {"by_cpu", "by_memory", "estimate", "cpu_headroom", "cores"}},
      "accuracy": {"bench_set": ACC, "labelled": {dir: ACC}},
               # ACC: {"calls", "audio_s", "true_apologies", "positives": {flag: n},
               #       "apologies": PRF, "flags": {flag: PRF}, "no_apology_tone_flags", "per_call"}
               # PRF: {"precision", "recall", "f1", "tp", "fp", "fn"}
      "peers": {"whisper": {"files", "audio_s", "repeats", "words", "rtf": {...}, "setup",
                            "overhead_ratio": {...}, "asr_stage_ratio": {...}},
               # ratios: analyzer total (or its ASR stage) RTF / plain faster-whisper RTF on the
               # same files, paired repeat by repeat; {"min", "median", "max", "runs"}
                "laughter": {"ours": L, "peer": L, "peer_name", "peer_stride",
                             "ratio_compute_peer_over_ours", "note"}}
               # L: {"laugh_recall", "laugh_clips", "distractor_fire_rate", "distractor_clips",
               #     "false_segments_per_speech_min", "speech_minutes", "compute_s_per_audio_s"}
    }
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from .speed import STAGES as POST_CALL_STAGES

SCHEMA = "sincerity.bench/1"
SECTIONS = ("machine", "post_call", "batch", "live", "accuracy", "peers")
STAGES = (*POST_CALL_STAGES, "total")


class RecordError(Exception):
    """A file that is not a readable bench record (one-line message)."""


def new_record(mode: str, settings: dict) -> dict:
    return {"schema": SCHEMA, "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "mode": mode,
            "settings": settings, **{s: {"skipped": "not run"} for s in SECTIONS}}


def skipped(reason: str) -> dict:
    return {"skipped": reason}


def problems(record: dict) -> list[str]:
    """What makes ``record`` not a valid ``sincerity.bench/1`` record (empty when valid)."""
    out = []
    if record.get("schema") != SCHEMA:
        out.append(f"schema is {record.get('schema')!r}, not {SCHEMA!r}")
    for section in SECTIONS:
        if not isinstance(record.get(section), dict):
            out.append(f"section {section!r} missing")
    post = record.get("post_call", {})
    if "skipped" not in post:
        for stage in STAGES:
            if not {"min", "median"} <= set(post.get("rtf", {}).get(stage, {})):
                out.append(f"post_call.rtf.{stage} lacks min/median")
    return out


def write_json(record: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict:
    """A bench record from ``path``; RecordError when unreadable or of another schema."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordError(f"{path}: not a readable JSON file ({exc.__class__.__name__})") from None
    if not isinstance(record, dict) or not str(record.get("schema", "")).startswith("sincerity.bench/"):
        raise RecordError(f"{path}: not a sincerity bench record (no 'schema': '{SCHEMA}')")
    return record
