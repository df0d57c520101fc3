"""Batch throughput: ``--jobs 1`` vs ``--jobs 2`` worker processes, the whole batch's
real-time factor, the Ray path against ``--jobs 2``, and the size of a 10-minute call's
HTML report.

Calls: 20+ synthesised agent calls (benchmarks/synthesis.py; two TTS voices, one apology
each with varied delivery, 20-35 s), built once into benchmarks/out/batch_calls/.
Each configuration runs the same batch from scratch (--force) through ``run_batch`` with
the HTML reports on, so the figures include process start, model loading, decoding,
analysis and writing: what a user waits for.  Throughput = audio seconds / wall seconds;
whole-batch RTF = wall seconds / audio seconds; worker CPU seconds per audio second (local
pool) tell whether parallel workers cost more CPU per call than one, which wall-clock
figures on a loaded machine cannot.  Figures of one run; the machine's load
average is recorded beside them (the 2 cores may be shared).

A second batch of longer calls (2.3-3.6 min, agent channel with the customer's turns as
silence, ``--long-calls``) is timed the same way under ``long_calls``: a supervisor's calls
run minutes, so worker start-up weighs on them less than on the 20-35 s calls.

Run: python benchmarks/bench_batch.py [--calls 20] [--long-calls 20] [--no-ray] [--no-size]
Writes benchmarks/results/batch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.analyze import AnalyzeOptions, Analyzer, sample_call_path  # noqa: E402
from analyzer.bench.throughput import time_batch  # noqa: E402
from analyzer.batch_inputs import discover  # noqa: E402
from analyzer.faces.html_report import render_call_html  # noqa: E402

OPENERS = [
    "Thank you for calling, my name is {name}. How can I help you today?",
    "Good morning, this is {name} speaking. What can I do for you?",
    "Hello, you are through to {name} in customer care. How may I help?",
]
MIDDLES = [
    "Let me pull up your account, this will only take a moment.",
    "I can see the order was shipped to the old address on file.",
    "It looks like the payment was taken twice on the same day.",
    "I can see the engineer visit was booked for last Tuesday.",
    "Your plan was changed at the start of the month.",
]
APOLOGIES = [
    "I am so sorry about the double charge on your card.",
    "I apologize for the trouble this has caused you.",
    "I am really sorry you had to wait so long on hold today.",
    "Sorry about that, I apologize for the mix up.",
    "My apologies for the confusion with your bill.",
]
CLOSERS = [
    "I will refund the charge right now and send you a confirmation.",
    "I will book a new visit for tomorrow morning.",
    "I have updated the address, and the new parcel goes out today.",
    "Is there anything else I can help you with today?",
]
DELIVERIES = [{}, {"speed": 1.5}, {"shift_semitones": 4.0, "excursion_scale": 2.0}, {"excursion_scale": 0.25}]


def _opener(rng: random.Random):
    from benchmarks.synthesis import Turn

    return Turn(rng.choice(OPENERS).format(name=rng.choice(["Ann", "Bob", "Jordan"])))


def _short_script(rng: random.Random, i: int) -> list:
    from benchmarks.synthesis import Turn

    turns = [_opener(rng)] + [Turn(t) for t in rng.sample(MIDDLES, 2)]
    turns.append(Turn(rng.choice(APOLOGIES), is_apology=True, **DELIVERIES[i % len(DELIVERIES)]))
    return turns + [Turn(t) for t in rng.sample(CLOSERS, 2)]


def _long_script(rng: random.Random, i: int) -> list:
    """28-40 agent turns with the customer's turns as 1.5-4 s of silence, two apologies."""
    from benchmarks.synthesis import Turn

    sentences = MIDDLES + CLOSERS[:-1]
    n_turns = rng.randint(28, 40)
    turns = [_opener(rng)]
    turns += [Turn(rng.choice(sentences), pause_after_s=round(rng.uniform(1.5, 4.0), 1)) for _ in range(n_turns - 2)]
    for k, at in enumerate(sorted(rng.sample(range(4, n_turns - 2), 2))):
        turns[at] = Turn(rng.choice(APOLOGIES), is_apology=True, **DELIVERIES[(i + k) % len(DELIVERIES)])
    return turns + [Turn(CLOSERS[-1])]


def _build(folder: Path, count: int, stem: str, first_seed: int, script) -> list[Path]:
    """``count`` calls ``folder/agent_{a,b}/{stem}_NNN.flac`` (kept: reruns reuse them);
    call i is seeded ``first_seed + i`` and alternates the joe and hibari voices."""
    from benchmarks.synthesis import build_call
    import soundfile as sf

    paths = []
    for i in range(count):
        path = folder / f"agent_{'ab'[i % 2]}" / f"{stem}_{i:03d}.flac"
        paths.append(path)
        if path.exists():
            continue
        seed = first_seed + i
        turns = script(random.Random(seed), i)
        audio, sr, _ = build_call(turns, voice="joe" if i % 2 == 0 else "hibari", seed=seed, vocode_all=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, audio, sr)
    return paths


def build_calls(folder: Path, count: int) -> list[Path]:
    """``count`` synthetic calls of 20-35 s in ``folder``, one apology each."""
    return _build(folder, count, "call", 0, _short_script)


def build_long_calls(folder: Path, count: int) -> list[Path]:
    """``count`` agent-channel calls of about 2.3-3.6 minutes (``_long_script``).  Real
    calls run minutes, so a worker's start-up weighs on them as it does in a supervisor's
    batch; the 20-35 s calls of ``build_calls`` over-weight it."""
    return _build(folder, count, "long", 1000, _long_script)


def run_config(calls, jobs=None, ray_address=None) -> dict:
    """One from-scratch batch with the HTML reports on (the package's batch timing)."""
    record = time_batch(calls, AnalyzeOptions(timeline=True), jobs=jobs, ray_address=ray_address, render_html=render_call_html)
    assert not record.pop("failed"), "a bench call failed"
    return record


def ten_minute_report_size() -> dict:
    """HTML (no audio) and JSON sizes of a 10-minute call: the sample call repeated."""
    import numpy as np

    from analyzer.audio import load_audio

    one = load_audio(sample_call_path())
    reps = int(np.ceil(600.0 / one.duration_s))
    audio = type(one)(np.tile(one.samples, reps)[: 600 * 16000], one.source_rate, 1, "mono")
    analyzer = Analyzer(AnalyzeOptions(timeline=True))
    report = analyzer.analyze_samples(audio, {"path": "ten_minutes.flac"})
    html = render_call_html(report, "ten_minutes.flac")
    return {"duration_s": round(audio.duration_s, 1), "apologies": report["summary"]["apologies"], "words": len(report["words"]), "html_bytes": len(html.encode()), "json_bytes": len(json.dumps(report, indent=1).encode())}


def measure_configs(calls, name: str, with_ray: bool) -> dict:
    """``--jobs 1``, ``--jobs 2`` and (``with_ray``) the Ray path over the same calls."""
    block = {"calls": len(calls), "jobs_1": run_config(calls, jobs=1)}
    print(f"{name} jobs 1:", block["jobs_1"], flush=True)
    block["jobs_2"] = run_config(calls, jobs=2)
    print(f"{name} jobs 2:", block["jobs_2"], flush=True)
    block["jobs_2_vs_1_throughput"] = round(block["jobs_2"]["throughput_x_real_time"] / block["jobs_1"]["throughput_x_real_time"], 2)
    if with_ray:
        block["ray"] = run_config(calls, ray_address="auto")
        print(f"{name} ray:", block["ray"], flush=True)
        block["ray_vs_jobs_2_throughput"] = round(block["ray"]["throughput_x_real_time"] / block["jobs_2"]["throughput_x_real_time"], 2)
    return block


def ray_running() -> bool:
    return subprocess.run(["ray", "status"], capture_output=True, timeout=60).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--long-calls", type=int, default=20, help="also time this many 2.3-3.6 minute calls (0: skip)")
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--no-size", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/batch.json")
    args = parser.parse_args()
    record = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()}}
    batches = [("short", build_calls(ROOT / "benchmarks/out/batch_calls", args.calls))]
    if args.long_calls:
        batches.append(("long", build_long_calls(ROOT / "benchmarks/out/batch_long_calls", args.long_calls)))
    started = False
    if not args.no_ray and not ray_running():
        subprocess.run(["ray", "start", "--head", "--num-cpus", "2", "--disable-usage-stats", "--include-dashboard=false"], check=True, capture_output=True)
        started = True
    try:
        for name, paths in batches:
            calls, _ = discover(paths)
            block = record if name == "short" else record.setdefault("long_calls", {})
            block.update(measure_configs(calls, name, with_ray=not args.no_ray and name == "short"))
    finally:
        if started:
            subprocess.run(["ray", "stop"], capture_output=True)
    if not args.no_size:
        record["ten_minute_report"] = ten_minute_report_size()
        print("10-minute report:", record["ten_minute_report"], flush=True)
    record["shared_machine_note"] = "other helpers' jobs ran on the same 2 cores during this run; see the load averages" if record["jobs_1"]["load_average_1min_before"] > 1.5 else "machine otherwise idle"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    for block in (record, record.get("long_calls")):
        if block:
            print(f"{block['calls']} calls, {block['jobs_2']['audio_s']} s of audio: jobs 2 vs 1 {block['jobs_2_vs_1_throughput']}x throughput; "
                  f"whole batch RTF (jobs 2) {block['jobs_2']['whole_batch_rtf']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
