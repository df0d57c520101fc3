"""Live benchmark: flag latency, CPU and memory of `sincerity live` at real-time pace.

Synthesised agent calls (piper joe voice, benchmarks/synthesis.py: normal turns for the
baseline, rushed / flat / cheerful / sincere apologies) are played through
``FileSource(realtime=True)``: a thread pushes 50 ms blocks at wall-clock pace into the same
bounded queue the microphone callback uses, and the pipeline runs on the live worker
thread with the live clock (audio captured so far).  So latency includes queueing delay:

    latency = emitted_at_s - apology_end_s   (audio seconds; tone flags)

Reported: latency median / p95 / max of tone flags (rushed, cheerful, flat, nervous_laugh;
wording flags wait for their 8 s action window by design and are reported apart), CPU of
the whole process (process_time / wall, as a fraction of one core), RSS over time, and
whether each live run's flags match ``analyze`` (Analyzer.analyze_samples) on the same audio.

``--soak-minutes M`` then plays the calls back to back through ONE live session for M
minutes and prints RSS, CPU and latency per 5-minute window (flat memory and latency).

    python benchmarks/bench_live.py                      # 4 calls of ~60 s, real time
    python benchmarks/bench_live.py --soak-minutes 60    # + the hour-long run
Results: benchmarks/results/live.json (synthesised calls are cached in --cache).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TONE = ("rushed", "cheerful", "flat", "nervous_laugh")

BASELINE_LINES = [
    "Thank you for calling Northwind support, my name is Joe, how can I help you today?",
    "Okay, let me pull up your account. Can you confirm the email address on file for me?",
    "Great, thank you. I can see the order you placed last Tuesday for the blue kettle.",
    "It looks like it shipped from our warehouse on Thursday and it is still in transit.",
    "The carrier shows a new delivery date of this Friday afternoon.",
    "I have added a credit of ten dollars to your account for the inconvenience.",
    "Your plan renews on the first of every month, and the next bill will be a little lower.",
    "I can also switch you to paperless billing, which takes about a minute to set up.",
    "The technician will call you thirty minutes before they arrive at your address.",
    "Let me check whether the replacement part is in stock at your nearest store.",
    "I have updated the shipping address, so the next parcel will go to your office.",
    "Is there anything else I can help you with today? Have a wonderful evening.",
    "I can see two devices on the account, a phone and a tablet, both active.",
    "The refund usually takes three to five business days to reach your card.",
]
APOLOGY_LINES = [
    "I'm so sorry about the delay with your order.",
    "I apologize for the trouble this has caused you.",
    "I'm really sorry that happened to you.",
    "I'm sorry for the confusion on your last bill.",
    "My apologies for keeping you waiting so long.",
    "I'm very sorry about the mix up with your delivery.",
]
DELIVERIES = {
    "rushed": {"speed": 1.5},
    "flat": {"excursion_scale": 0.3},
    "cheerful": {"shift_semitones": 4.0, "excursion_scale": 1.8},
    "sincere": {},
}


def call_turns(index: int, target_s: float):
    """Turns of call ``index``: 4 baseline turns, then apologies (rotating deliveries)
    separated by 2 baseline turns, until about ``target_s`` seconds."""
    from benchmarks.synthesis import Turn

    rng = np.random.default_rng(index)
    base = list(rng.permutation(BASELINE_LINES))
    kinds = list(DELIVERIES)
    turns, est, b, a = [], 0.0, 0, 0
    for _ in range(4):
        turns.append(Turn(base[b % len(base)]))
        b += 1
        est += 4.8
    while est < target_s - 10:
        kind = kinds[(index + a) % len(kinds)]
        turns.append(Turn(APOLOGY_LINES[(index * 2 + a) % len(APOLOGY_LINES)], is_apology=True, pause_after_s=0.8, **DELIVERIES[kind]))
        a += 1
        for _ in range(2):
            turns.append(Turn(base[b % len(base)]))
            b += 1
        est += 2.5 + 9.6
    return turns


def make_calls(n: int, seconds: float, cache: Path) -> list[dict]:
    from analyzer.audio import load_audio
    from benchmarks.synthesis import build_call, save_call

    cache.mkdir(parents=True, exist_ok=True)
    calls = []
    for i in range(n):
        path = cache / f"live_call_{i}_{int(seconds)}s.flac"
        truth_path = path.with_name(path.stem + ".truth.json")
        if not (path.exists() and truth_path.exists()):
            tic = time.perf_counter()
            audio, sr, truth = build_call(call_turns(i, seconds), voice="joe", sr_out=16000, seed=i)
            save_call(path, audio, sr, truth)
            print(f"  synthesised {path.name}: {len(audio) / sr:.1f} s in {time.perf_counter() - tic:.0f} s", flush=True)
        samples = load_audio(path).samples
        calls.append({"path": str(path), "samples": samples, "duration_s": len(samples) / 16000, "truth": json.loads(truth_path.read_text())})
    return calls


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Sampler:
    """RSS (MB) and process CPU every ``every_s`` seconds on a background thread."""

    def __init__(self, every_s: float = 1.0):
        self.every_s = every_s
        self.samples: list[tuple[float, float, float]] = []  # (wall, cpu, rss)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), time.process_time(), rss_mb()))
            self._stop.wait(self.every_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def pct(values, q):
    return round(float(np.percentile(values, q)), 3) if len(values) else None


def run_live(analyzer, samples, realtime=True, loops=1, on_event=None):
    """One live session over ``samples``; returns (events of interest, session, cpu_fraction, wall)."""
    from analyzer.bench.live import play_session

    events, session, cpu_frac, wall = play_session(analyzer, samples, loops=loops, on_event=on_event, realtime=realtime)
    return [e for e in events if e.type in ("flag", "apology", "status")], session, cpu_frac, wall


def apologies_with_flags(events) -> list[dict]:
    out = {}
    for e in events:
        if getattr(e, "type", None) == "apology":
            out[round(e.start, 3)] = {"start": e.start, "end": e.end, "text": e.text, "flags": []}
    for e in events:
        if getattr(e, "type", None) == "flag":
            out.setdefault(round(e.apology_start_s, 3), {"start": e.apology_start_s, "end": e.apology_end_s, "text": "", "flags": []})["flags"].append(e.kind)
    return sorted(out.values(), key=lambda a: a["start"])


def compare(live: list[dict], ref: list[dict]) -> dict:
    """Per reference apology: matched live apology (start within 0.5 s), tone and all flags equal?"""
    tone_same = all_same = matched = 0
    diffs = []
    for r in ref:
        near = [a for a in live if abs(a["start"] - r["start"]) <= 0.5]
        if not near:
            diffs.append({"analyze": r, "live": None})
            continue
        matched += 1
        g = near[0]
        t = {k for k in g["flags"] if k in TONE} == {k for k in r["flags"] if k in TONE}
        s = sorted(g["flags"]) == sorted(r["flags"])
        tone_same += t
        all_same += s
        if not s:
            diffs.append({"analyze": r, "live": g})
    return {"analyze_apologies": len(ref), "live_apologies": len(live), "matched": matched, "tone_flags_equal": tone_same, "all_flags_equal": all_same, "differences": diffs}


def bench_calls(analyzer, file_analyzer, calls, realtime=True) -> dict:
    from analyzer.events import FlagEvent

    per_call, tone_lat, word_lat, cpu_fracs = [], [], [], []
    rss_trace = []
    t_start = time.perf_counter()
    for i, call in enumerate(calls):
        with Sampler(1.0) as sampler:
            events, session, cpu_frac, wall = run_live(analyzer, call["samples"], realtime=realtime)
        flags = [e for e in events if isinstance(e, FlagEvent)]
        lat_t = [e.emitted_at_s - e.apology_end_s for e in flags if e.kind in TONE]
        lat_w = [e.emitted_at_s - e.apology_end_s for e in flags if e.kind not in TONE]
        tone_lat += lat_t
        word_lat += lat_w
        cpu_fracs.append(cpu_frac)
        rss = [s[2] for s in sampler.samples]
        rss_trace += [(round(s[0] - t_start, 1), round(s[2], 1)) for s in sampler.samples[::5]]
        live = apologies_with_flags(events)
        report = file_analyzer.analyze_samples(_decoded(call["samples"]), {"path": call["path"]})
        ref = [{"start": a["start"], "end": a["end"], "text": a["text"], "flags": [f["kind"] for f in a["flags"]]} for a in report["apologies"]]
        match = compare(live, ref)
        expected = _expected_recall(live, call["truth"])
        statuses = [e.status for e in events if e.type == "status"]
        row = {
            "call": Path(call["path"]).name,
            "duration_s": round(call["duration_s"], 1),
            "wall_s": round(wall, 1),
            "cpu_fraction_of_one_core": round(cpu_frac, 3),
            "tone_flag_latency_s": [round(x, 3) for x in lat_t],
            "wording_flag_latency_s": [round(x, 3) for x in lat_w],
            "rss_mb_max": round(max(rss), 1) if rss else None,
            "behind_events": statuses.count("behind"),
            "overflows": session.stats.overflows,
            "stage_seconds": {k: round(v, 2) for k, v in session.pipeline.timings.items()},
            "match_analyze": match,
            "expected_tone_flags": expected,
        }
        per_call.append(row)
        print(
            f"  call {i}: {row['duration_s']:.0f} s, cpu {cpu_frac:.2f} core, tone flags {len(lat_t)} "
            f"latency {['%.2f' % x for x in lat_t]}, behind {row['behind_events']}, rss max {row['rss_mb_max']} MB, "
            f"analyze match tone {match['tone_flags_equal']}/{match['analyze_apologies']} all {match['all_flags_equal']}/{match['analyze_apologies']}",
            flush=True,
        )
    audio = sum(c["duration_s"] for c in calls)
    return {
        "calls": per_call,
        "audio_s": round(audio, 1),
        "tone_flags": len(tone_lat),
        "tone_flag_latency_s": {"median": pct(tone_lat, 50), "p95": pct(tone_lat, 95), "max": round(max(tone_lat), 3) if tone_lat else None},
        "wording_flag_latency_s": {"median": pct(word_lat, 50), "p95": pct(word_lat, 95)},
        "cpu_fraction_of_one_core": {"mean": round(statistics.mean(cpu_fracs), 3), "max": round(max(cpu_fracs), 3)},
        "rss_mb_trace": rss_trace,
        "match_analyze": {
            "apologies": sum(r["match_analyze"]["analyze_apologies"] for r in per_call),
            "tone_flags_equal": sum(r["match_analyze"]["tone_flags_equal"] for r in per_call),
            "all_flags_equal": sum(r["match_analyze"]["all_flags_equal"] for r in per_call),
        },
        "expected_tone_flags": {
            "expected": sum(r["expected_tone_flags"]["expected"] for r in per_call),
            "found": sum(r["expected_tone_flags"]["found"] for r in per_call),
        },
    }


def _decoded(samples):
    from analyzer.audio import DecodedAudio

    return DecodedAudio(samples, 16000, 1, "mono")


def _expected_recall(live: list[dict], truth: list[dict]) -> dict:
    expected = found = 0
    for t in truth:
        near = [a for a in live if a["start"] < t["end"] and a["end"] > t["start"]]
        for kind in t["expected_flags"]:
            expected += 1
            found += any(kind in a["flags"] for a in near)
    return {"expected": expected, "found": found}


def soak(analyzer, calls, minutes: float, window_min: float = 5.0) -> dict:
    """One live session over the calls looped for ``minutes``; stats per window."""
    from analyzer.events import FlagEvent

    samples = np.concatenate([c["samples"] for c in calls])
    loops = int(np.ceil(minutes * 60 / (len(samples) / 16000)))
    samples_total = minutes * 60
    window_s = window_min * 60
    windows: list[dict] = []
    current = {"lat": [], "n_flags": 0}
    lock = threading.Lock()

    def on_event(e):
        if isinstance(e, FlagEvent) and e.kind in TONE:
            with lock:
                current["lat"].append(e.emitted_at_s - e.apology_end_s)

    from analyzer.capture import FileSource
    from analyzer.session import LiveSession, warm_up

    source = FileSource(samples=samples, realtime=True, loops=loops)
    session = LiveSession(analyzer, source, [on_event], duration_s=samples_total)
    warm_up(analyzer)
    t0, c0 = time.perf_counter(), time.process_time()
    session.start(warm=False)
    last_t, last_c = t0, c0
    rss_in_window: list[float] = []
    next_edge = t0 + window_s
    print(f"  soak: {minutes:g} min, one session, {loops} loops of {len(samples) / 16000:.0f} s", flush=True)
    while not session.wait(5.0):
        rss_in_window.append(rss_mb())
        now = time.perf_counter()
        if now >= next_edge:
            c = time.process_time()
            with lock:
                lat, current["lat"] = current["lat"], []
            row = {
                "window_end_min": round((now - t0) / 60, 1),
                "rss_mb_max": round(max(rss_in_window), 1),
                "rss_mb_end": round(rss_in_window[-1], 1),
                "cpu_fraction_of_one_core": round((c - last_c) / (now - last_t), 3),
                "tone_flags": len(lat),
                "latency_median_s": pct(lat, 50),
                "latency_p95_s": pct(lat, 95),
                "backlog_s": round(session.stats.backlog_s, 2),
                "behind_events_total": session.stats.behind_events,
            }
            windows.append(row)
            print(f"    {row}", flush=True)
            rss_in_window = []
            last_t, last_c = now, c
            next_edge += window_s
    if session.error:
        raise session.error
    summary = session.summary()

    def growth(key):
        return round(windows[-1][key] - windows[0][key], 1) if windows else None

    # the max catches transients (a chunk being transcribed); the end-of-window value shows the trend
    return {"minutes": minutes, "windows": windows, "summary": summary,
            "rss_growth_mb_first_to_last_window": growth("rss_mb_max"),
            "rss_end_growth_mb_first_to_last_window": growth("rss_mb_end")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=4, help="number of synthesised calls (default 4)")
    parser.add_argument("--seconds", type=float, default=60.0, help="approximate length of each call (default 60)")
    parser.add_argument("--soak-minutes", type=float, default=0.0, help="also run one session for this many minutes (e.g. 60)")
    parser.add_argument("--window-minutes", type=float, default=5.0, help="soak report window (default 5)")
    parser.add_argument("--fast", action="store_true", help="feed as fast as possible instead of real time (flag matching only; latency is then not live latency)")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sincerity" / "bench_live", help="where synthesised calls are kept")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "live.json")
    args = parser.parse_args(argv)

    from analyzer.analyze import AnalyzeOptions, Analyzer
    from analyzer.pipeline import PipelineOptions

    load_before = os.getloadavg()
    print(f"synthesising / loading {args.calls} calls of ~{args.seconds:.0f} s ...", flush=True)
    calls = make_calls(args.calls, args.seconds, args.cache)
    tic = time.perf_counter()
    live_analyzer = Analyzer(AnalyzeOptions(pipeline=PipelineOptions(asr_pack_s=0.0)))  # what `sincerity live` uses
    file_analyzer = Analyzer(AnalyzeOptions())  # what `sincerity analyze` uses (asr_pack_s=24)
    print(f"models loaded in {time.perf_counter() - tic:.1f} s; rss {rss_mb():.0f} MB", flush=True)
    from analyzer.bench.machine import describe_machine

    result = {
        "machine": {**describe_machine(), "loadavg_before": [round(x, 2) for x in load_before]},
        "model": live_analyzer.transcriber.describe(),
        "laughter": live_analyzer.laughter_detector is not None,
        "mode": "fast" if args.fast else "realtime",
    }
    result["live"] = bench_calls(live_analyzer, file_analyzer, calls, realtime=not args.fast)
    if args.soak_minutes > 0:
        result["soak"] = soak(live_analyzer, calls, args.soak_minutes, args.window_minutes)
    result["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    live = result["live"]
    lat = live["tone_flag_latency_s"]
    print()
    print(f"calls: {len(calls)} ({live['audio_s']:.0f} s of audio), mode {result['mode']}, laughter model {'on' if result['laughter'] else 'off'}")
    print(f"tone flag latency (emitted_at_s - apology_end_s): median {lat['median']} s, p95 {lat['p95']} s, max {lat['max']} s over {live['tone_flags']} flags   [target: median <= 1.0, p95 <= 2.0]")
    print(f"wording flag latency (8 s action window by design): median {live['wording_flag_latency_s']['median']} s")
    print(f"cpu: {live['cpu_fraction_of_one_core']['mean']:.2f} of one core on average (max {live['cpu_fraction_of_one_core']['max']:.2f})   [target <= 0.5]")
    print(f"flags vs analyze: tone equal for {live['match_analyze']['tone_flags_equal']}/{live['match_analyze']['apologies']} apologies, all flags equal for {live['match_analyze']['all_flags_equal']}")
    print(f"expected (synthesised) tone flags found: {live['expected_tone_flags']['found']}/{live['expected_tone_flags']['expected']}")
    print(f"load average before/after: {result['machine']['loadavg_before']} / {result['machine']['loadavg_after']}")
    if "soak" in result:
        soaked = result["soak"]  # not "soak": that name is the function above, called earlier in main
        print(f"soak: {args.soak_minutes:g} min, RSS growth first->last window: peak {soaked['rss_growth_mb_first_to_last_window']} MB, "
              f"end of window {soaked['rss_end_growth_mb_first_to_last_window']} MB")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
