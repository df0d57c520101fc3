"""Does the casual register survive in Whisper's own probabilities?  A cheap lever test.

    python benchmarks/casual_forced_choice.py --sets tune,untuned2,untuned3 --out FILE

tiny.en writes a spoken "sorry 'bout that" as "sorry about that".  Instead of decoding
the apology again (``--casual-redecode``, ~1 Whisper pass per apology), score the two
spellings against the apology turn's audio with Whisper's forced alignment (one encoder
pass and two short decoder passes on that turn only): log P("... 'bout ...") against
log P("... about ..."), per token.  Items: every apology written with "'bout" (casual)
and, as controls, every one written "sorry about" (plain).  A lever exists if the
preference separates the two groups on the same voices.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def item_call_cached(item: dict, index: int, set_name: str) -> bool:
    from benchmarks.eval_wording import AUDIO_CACHE, VOICES

    path = AUDIO_CACHE / set_name / f"{item['id']}_{VOICES[index % len(VOICES)]}.flac"
    return path.exists() and path.with_suffix(".truth.json").exists()


def log_prob(wm, tokenizer, encoded, text: str, num_frames: int) -> float:
    tokens = tokenizer.encode(" " + text.strip())
    start = list(tokenizer.sot_sequence) + [tokenizer.no_timestamps]
    result = wm.model.align(encoded, start, [tokens], num_frames)[0]
    probs = np.clip(np.asarray(result.text_token_probs, dtype=float), 1e-9, 1.0)
    return float(np.log(probs).mean())  # per token: the two spellings tokenise differently


def separation_auc(rows: list[dict]) -> float:
    """P(margin of a spoken "'bout" > margin of a spoken "about"): 0.5 = no lever, 1 = clean."""
    clipped = [r["logp_clipped"] - r["logp_plain"] for r in rows if r["spoken_clipped"]]
    plain = [r["logp_clipped"] - r["logp_plain"] for r in rows if not r["spoken_clipped"]]
    if not clipped or not plain:
        return float("nan")
    return sum((x > y) + 0.5 * (x == y) for x in clipped for y in plain) / (len(clipped) * len(plain))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="tune,untuned2,untuned3")
    parser.add_argument("--cached-only", default="", help="comma-separated sets: score only items already synthesised")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "casual_forced_choice_r4.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import soundfile as sf
    from faster_whisper.tokenizer import Tokenizer

    from analyzer.transcribe import Transcriber
    from benchmarks.eval_wording import item_call, load_items

    wm = Transcriber().model
    tokenizer = Tokenizer(wm.hf_tokenizer, False, task="transcribe", language="en")
    rows, started = [], time.perf_counter()
    for set_name in args.sets.split(","):
        items = load_items(set_name)
        for index, item in enumerate(items):
            text = item["apology"]
            casual = "'bout" in text
            if not (casual or re.search(r"\bsorry about\b", text.lower())):
                continue
            if set_name in args.cached_only.split(",") and not item_call_cached(item, index, set_name):
                continue
            path, lo, hi = item_call(item, index, set_name)
            audio, sr = sf.read(path, dtype="float32")
            audio = audio if audio.ndim == 1 else audio.mean(axis=1)
            turn = audio[int(max(0.0, lo - 0.1) * sr):int((hi + 0.1) * sr)]
            features = wm.feature_extractor(turn)
            num_frames = features.shape[-1]
            encoded = wm.encode(features)
            plain = re.sub(r"'bout\b", "about", text)
            clipped = re.sub(r"\b[Aa]bout\b", "'bout", plain)
            lp_clipped = log_prob(wm, tokenizer, encoded, clipped, num_frames)
            lp_plain = log_prob(wm, tokenizer, encoded, plain, num_frames)
            rows.append({"set": set_name, "id": item["id"], "voice": path.stem.rsplit("_", 1)[1],
                         "spoken_clipped": casual, "logp_clipped": round(lp_clipped, 4),
                         "logp_plain": round(lp_plain, 4), "prefers_clipped": lp_clipped > lp_plain})
    seconds = time.perf_counter() - started
    summary = {}
    for group in (True, False):
        g = [r for r in rows if r["spoken_clipped"] == group]
        margins = [r["logp_clipped"] - r["logp_plain"] for r in g]
        summary["spoken 'bout" if group else "spoken about"] = {
            "items": len(g), "prefers_clipped": sum(r["prefers_clipped"] for r in g),
            "margin_median": round(float(np.median(margins)), 3) if g else None,
            "margin_max": round(float(np.max(margins)), 3) if g else None}
    summary["separation_auc"] = round(separation_auc(rows), 3)
    out = {"what": __doc__.splitlines()[0], "sets": args.sets, "summary": summary,
           "seconds_per_item": round(seconds / max(1, len(rows)), 3), "rows": rows}
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(summary, indent=2), f"\n{seconds / max(1, len(rows)):.2f} s per item (synthesis included on first run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
