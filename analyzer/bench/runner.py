"""``run_bench``: every section of the bench in one process, one record out.

Order: machine, model load, post-call speed with a plain faster-whisper pass after each
repeat (paired, so both see the same load; the first repeat's reports are scored for
accuracy), live at real-time pace, laughter peer, batch.
``quick`` keeps what a supervisor needs in under a minute on a 2-core PC: one repeat,
the peer on 3 calls, one ~20 s live clip, no laughter peer and no batch runs.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .accuracy import BENCH_SET_DIR, labelled_calls, score_reports
from .live import measure_live
from .machine import describe_machine
from .peers import SHARED, GillickAnchor, PlainWhisper, find_anchor, measure_laughter_peer, shared_clips
from .record import new_record, skipped
from .speed import measure_post_call, spread
from .throughput import measure_batch

QUICK_TAIL_S = 2.5  # the quick live clip ends this long after the apology it is cut for
FULL_LIVE_CALLS = 2  # real-time pace: each costs its length in wall time
LAUGH_SPEECH_CALLS = 3  # bench calls both laughter detectors also run on (false segments)


@dataclass(frozen=True)
class BenchOptions:
    """quick: the < 1 min run; model / device / compute_type / beam_size: as for analyze;
    labelled: extra folders of labelled audio (<file>.truth.json); shared: ../shared (real
    laughs, the laughter peer) or None to look beside the checkout; jobs: batch workers
    (0 = the usable cores); repeats: timing repeats (0 = 1 quick, 3 full)."""

    quick: bool = False
    model: str = "embedded:tiny.en"
    device: str = "auto"
    compute_type: str = "auto"
    beam_size: int = 1
    labelled: tuple = ()
    shared: Optional[Path] = None
    jobs: int = 0
    repeats: int = 0
    bench_set: Path = BENCH_SET_DIR
    extra: dict = field(default_factory=dict)


def _analyzer(options: BenchOptions):
    from ..analyze import AnalyzeOptions, Analyzer
    from ..transcribe import TranscriberOptions

    transcriber = TranscriberOptions(model=options.model, device=options.device, compute_type=options.compute_type,
                                     beam_size=options.beam_size)
    return Analyzer(AnalyzeOptions(transcriber=transcriber, include_words=False))


def _live_clips(calls, reports, quick: bool):
    """Full: the FULL_LIVE_CALLS calls with the most tone flags in their truth (first come
    on ties).  Quick: the opening of the call whose first tone-flagged apology (as the
    post-call run found it) ends earliest, cut QUICK_TAIL_S after it."""
    from ..audio import load_audio
    from ..judge import TONE_FLAGS

    if not quick:
        chosen = sorted(calls, key=lambda c: -sum(f in TONE_FLAGS for t in c.truth for f in t.get("expected_flags", [])))
        return {c.path.name: load_audio(c.path, c.channel).samples for c in chosen[:FULL_LIVE_CALLS]}
    found = [(a["end"], c) for c, r in zip(calls, reports) for a in r["apologies"] if any(f["kind"] in TONE_FLAGS for f in a["flags"])]
    found = found or [(r["apologies"][0]["end"], c) for c, r in zip(calls, reports) if r["apologies"]]
    end, call = min(found, key=lambda x: x[0]) if found else (20.0, calls[0])
    return {f"{call.path.name} (first {end + QUICK_TAIL_S:.1f} s)": load_audio(call.path, call.channel).samples[: int((end + QUICK_TAIL_S) * 16000)]}


def _subset_rtf(reports, names, key: str) -> float:
    """RTF of the analyzer (``key``: "total" or a stage) on the calls named ``names``."""
    chosen = [r for r in reports if Path(r["source"]["path"]).name in names]
    seconds = sum(r["timings"]["wall_s"] if key == "total" else r["timings"]["stages_s"].get(key, 0.0) for r in chosen)
    return seconds / sum(r["duration_s"] for r in chosen)


def _paired_peer(analyzer, calls, peer_calls, repeats: int, load_s: float):
    """Post-call repeats with a plain faster-whisper pass after each, on the same calls:
    (post_call block, first reports, whisper block with per-repeat paired ratios)."""
    whisper = PlainWhisper(analyzer.transcriber, peer_calls)
    ratios: dict[str, list[float]] = {"total": [], "asr": []}

    def after_repeat(reports):
        peer = whisper.run()
        for key in ratios:
            ratios[key].append(_subset_rtf(reports, whisper.names, key) / peer)

    post, reports = measure_post_call(analyzer, calls, repeats, load_s, after_repeat=after_repeat)
    block = whisper.block()
    block["overhead_ratio"] = spread(ratios["total"], 2)  # analyzer total / plain faster-whisper
    block["asr_stage_ratio"] = spread(ratios["asr"], 2)  # the analyzer's ASR stage / plain faster-whisper
    return post, reports, block


def run_bench(options: BenchOptions, say: Callable[[str], None] = lambda _m: None) -> dict:
    """The bench record (``sincerity.bench/1``); ``say`` gets one line per finished step."""
    started = time.perf_counter()
    quick = options.quick
    repeats = options.repeats or (1 if quick else 3)
    calls = labelled_calls(options.bench_set)
    if not calls:
        raise FileNotFoundError(f"{options.bench_set}: the labelled benchmark set is missing (reinstall the package)")
    settings = {"model": options.model, "device": options.device, "compute_type": options.compute_type,
                "beam_size": options.beam_size, "repeats": repeats, "labelled": [str(p) for p in options.labelled]}
    record = new_record("quick" if quick else "full", settings)
    tic = time.perf_counter()
    analyzer = _analyzer(options)
    load_s = time.perf_counter() - tic
    machine = describe_machine(analyzer.transcriber.describe())
    record["machine"] = machine
    say(f"models loaded in {load_s:.1f} s ({machine['cpu_model']}, {machine['cpu_cores']} cores)")

    peer_calls = calls[:3] if quick else calls
    post, reports, whisper = _paired_peer(analyzer, calls, peer_calls, repeats, load_s)
    record["post_call"] = post
    record["peers"] = {"whisper": whisper}
    say(f"post-call: {post['audio_s']:.0f} s of audio x {repeats}, RTF {post['rtf']['total']['median']:.3f}; "
        f"plain faster-whisper RTF {whisper['rtf']['median']:.3f}, analyzer overhead x{whisper['overhead_ratio']['median']}")
    record["accuracy"] = {"bench_set": score_reports(calls, reports), "labelled": {}}
    for folder in options.labelled:
        extra = labelled_calls(Path(folder))
        if not extra:
            record["accuracy"]["labelled"][str(folder)] = skipped(f"{folder}: no audio files with <file>.truth.json")
            continue
        extra_reports = [analyzer.analyze_file(c.path, channel=c.channel) for c in extra]
        record["accuracy"]["labelled"][str(folder)] = score_reports(extra, extra_reports)
    say("accuracy scored")

    clips = _live_clips(calls, reports, quick)
    settings["live_clips"] = list(clips)
    record["live"] = measure_live(analyzer, list(clips.values()), machine["cpu_cores_usable"], machine["available_gb"])
    say(f"live: tone-flag latency median {record['live']['tone_flag_latency_s']['median']} s, "
        f"CPU {record['live']['cpu_share_of_one_core']['mean']} of a core")

    record["peers"]["laughter"] = _laughter_peer(analyzer, options, calls, quick)
    say("laughter peer: " + ("skipped" if "skipped" in record["peers"]["laughter"] else "scored"))
    if quick:
        record["batch"] = skipped("--quick: run the full bench for batch throughput")
    else:
        jobs = options.jobs or machine["cpu_cores_usable"] or os.cpu_count() or 1
        record["batch"] = measure_batch(analyzer.options, calls, jobs)
    say("batch: " + ("skipped" if "skipped" in record["batch"] else f"speed-up x{record['batch']['speed_up']}"))
    record["wall_s"] = round(time.perf_counter() - started, 1)
    return record


def _laughter_peer(analyzer, options: BenchOptions, calls, quick: bool) -> dict:
    if quick:
        return skipped("--quick: run the full bench for the laughter peer")
    if analyzer.laughter_detector is None:
        return skipped("our laughter detector is off")
    shared = options.shared or SHARED
    anchor = find_anchor(shared)
    clips = shared_clips(shared, distractors_per_kind=2)
    if anchor is None or not clips:
        return skipped(f"no laughter peer or real laughs under {shared} (../shared is the project's data folder)")
    from ..audio import load_audio

    speech = [load_audio(c.path, c.channel).samples for c in calls[:LAUGH_SPEECH_CALLS]]
    return measure_laughter_peer(analyzer.laughter_detector, GillickAnchor(anchor, stride=8), clips, speech)
