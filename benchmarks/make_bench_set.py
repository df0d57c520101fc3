"""Write the labelled benchmark set that ships inside the package (analyzer/bench/data/).

    python benchmarks/make_bench_set.py [OUT_DIR] [--seed 18] [--jobs 2]

Eight short agent calls (about 25-40 s each) made by the project's own generator
(benchmarks/synthesis.py, the sentences and delivery ranges of make_eval_calls.py): three
voices (piper joe, hibari, espeak), apologies delivered normal / rushed (1.45-1.7x) /
cheerful (+3-5 st, excursions 1.7-2.2x) / flat (excursions 0.2-0.35x), stereo calls with
the customer on the left, pink/white background noise, and telephone degradation (300-3400 Hz,
8 kHz G.711 round trip).  Stored small for the wheel: 16 kHz Ogg/Opus, or 8 kHz FLAC for the
telephone calls.  One call has no apology (a repeat request "Sorry, ...?" only).

No laughs: the only laugh recordings here (../shared, CC BY-NC-ND) must not be shipped, and
the synthesised laughs tried (TTS "ha ha ha", voiced noise bursts) were not recognised as
laughter by the detector, so ``nervous_laugh`` gets no positives on this set (its false
flags are still counted); the laughter detector is checked on real laughs by the bench's
real-audio section when ../shared is present.

Next to each call ``<file>.truth.json`` ({"agent_channel", "apologies"}: the layout
benchmarks/eval_accuracy.py and ``sincerity bench --labelled DIR`` read) and manifest.json.
Needs the ``synth`` extra; each call is built in a fresh process so output is repeatable.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_eval_calls import APOLOGIES, agent_script, apology_turn, deliveries, with_customer  # noqa: E402
from benchmarks.synthesis import build_call, to_telephone  # noqa: E402

DEFAULT_OUT = ROOT / "analyzer" / "bench" / "data"


@dataclass(frozen=True)
class BenchCall:
    voice: str
    apologies: int
    customer_voice: str | None = None  # stereo: customer left, agent right
    codec: str | None = None  # "mulaw"/"alaw": telephone, stored as 8 kHz FLAC; else 16 kHz Opus
    noise_db: float | None = None
    noise_color: str = "pink"


CALLS = [
    BenchCall("joe", 2),
    BenchCall("hibari", 2),
    BenchCall("espeak", 2, noise_db=26.0),
    BenchCall("joe", 2, customer_voice="hibari", codec="mulaw"),
    BenchCall("hibari", 2, codec="alaw", noise_db=28.0, noise_color="white"),
    BenchCall("joe", 2, noise_db=22.0),
    BenchCall("espeak", 2, customer_voice="joe"),
    BenchCall("hibari", 0, codec="mulaw"),
]


def plan(seed: int) -> list[tuple[str, BenchCall, list]]:
    """(stem, spec, turns) per call; all randomness comes from ``seed``."""
    rng = random.Random(seed)
    texts = rng.sample(APOLOGIES, len(APOLOGIES))
    styles = deliveries(rng, sum(c.apologies for c in CALLS))
    plans, k = [], 0
    for index, spec in enumerate(CALLS):
        apologies = [apology_turn(texts[(k + j) % len(texts)], styles[k + j], rng) for j in range(spec.apologies)]
        k += spec.apologies
        turns = agent_script(spec, apologies, rng)  # reads spec.apologies only
        if spec.customer_voice:
            turns = with_customer(turns, rng)
        layout = "stereo" if spec.customer_voice else "mono"
        plans.append((f"bench_{index:02d}_{spec.voice}_{layout}_{spec.codec or 'opus16k'}", spec, turns))
    return plans


def make_call(job: tuple) -> dict:
    """Build, degrade, encode and save one call; returns its manifest entry."""
    import soundfile as sf

    stem, spec, turns, out_dir, seed = job
    audio, sr, truth = build_call(turns, voice=spec.voice, sr_out=16000, seed=seed, noise_db=spec.noise_db,
                                  noise_color=spec.noise_color, customer_voice=spec.customer_voice or "hibari")
    audio = np.clip(audio, -1.0, 1.0)
    if spec.codec:
        audio, sr = to_telephone(audio, sr, spec.codec)
        path = Path(out_dir) / f"{stem}.flac"
        sf.write(str(path), audio, sr, subtype="PCM_16")
    else:
        path = Path(out_dir) / f"{stem}.ogg"
        sf.write(str(path), audio, sr, format="OGG", subtype="OPUS")
    agent_channel = "right" if spec.customer_voice else "auto"
    record = {"agent_channel": agent_channel, "apologies": truth}
    path.with_name(path.name + ".truth.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return {
        "file": path.name,
        "agent_voice": spec.voice,
        "customer_voice": spec.customer_voice,
        "agent_channel": agent_channel,
        "sample_rate": sr,
        "codec": f"{spec.codec} then FLAC" if spec.codec else "Opus",
        "noise_snr_db": spec.noise_db,
        "duration_s": round(len(audio) / sr, 2),
        "deliveries": [t["delivery"] for t in truth],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(stem, spec, turns, str(args.out_dir), args.seed * 100 + i) for i, (stem, spec, turns) in enumerate(plan(args.seed))]
    started = time.perf_counter()
    with get_context("spawn").Pool(args.jobs, maxtasksperchild=1) as pool:
        manifest = pool.map(make_call, jobs, chunksize=1)
    meta = {"generator": "benchmarks/make_bench_set.py", "seed": args.seed, "laughs": 0, "calls": manifest}
    (args.out_dir / "manifest.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    size = sum((args.out_dir / m["file"]).stat().st_size for m in manifest)
    for m in manifest:
        print(f"{m['file']:40s} {m['duration_s']:5.1f} s  {', '.join(m['deliveries']) or 'no apology'}")
    print(f"{len(manifest)} calls, {sum(m['duration_s'] for m in manifest):.0f} s, {size / 1e6:.2f} MB in {args.out_dir} "
          f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
