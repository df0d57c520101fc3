"""Cost of labelling what the pipeline hears (issue 17, round 3): diarize's speech windows
with ``WindowOptions.label_heard`` on (extra windows over heard stretches no speech window
covers) and off (df6ed3a), alternated in one process on the same files, so the ratio is
from one run.  Writes benchmarks/results/diarize_heard_cost.json.

    python benchmarks/bench_heard_cost.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from analyzer.analyze import sample_call_path
    from analyzer.audio import load_audio
    from analyzer.speakers import SpeakerEncoder, WindowOptions, speech_windows
    from analyzer.vad import load_silero_session

    files = [sample_call_path(), ROOT.parent / "shared" / "data" / "conversation" / "telephone_sample" / "sample.flac"]
    files = [f for f in files if f.is_file()]
    vad, enc = load_silero_session(), SpeakerEncoder()
    out = {}
    for path in files:
        samples = load_audio(path).samples
        audio_s = len(samples) / 16000
        seconds = {"on": [], "off": []}
        windows = {}
        for _ in range(args.repeats):
            for key, heard in (("on", True), ("off", False)):
                tic = time.perf_counter()
                found = speech_windows(samples, vad, enc, WindowOptions(label_heard=heard))
                seconds[key].append(time.perf_counter() - tic)
                windows[key] = len(found.windows) + len(found.heard_windows)
        med = {k: sorted(v)[len(v) // 2] / audio_s for k, v in seconds.items()}
        out[path.name] = {"audio_s": round(audio_s, 1), "rtf_vad_embed_label_heard": round(med["on"], 5), "rtf_vad_embed_strict": round(med["off"], 5),
                          "ratio": round(med["on"] / med["off"], 3), "windows": windows}
        print(path.name, out[path.name])
    (ROOT / "benchmarks" / "results" / "diarize_heard_cost.json").write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
