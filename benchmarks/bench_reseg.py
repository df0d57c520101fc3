"""Choosing the resegmentation's settings (analyzer.reseg) on the tuning files, cheaply: each
file's VAD pass, 1.5 s windows, pitch and voiceprint are computed once, and every short
window's embedding once (cached by its span), then ``diarize_windows`` is re-run per
setting and scored as ``bench_attribution`` scores (enrolment; first speaker on calls the
agent opens).  Also counts the short windows each setting embeds (its cost: a 0.75 s window
costs about half a 1.5 s one, the encoder's time is linear in length).

    python benchmarks/bench_reseg.py --sets tune --grid full --label r4_reseg_zones_grid   # -> diarize_attribution_r4.json
    python benchmarks/bench_reseg.py --sets seen_heldout --grid chosen --label r4_reseg_zones
    python benchmarks/bench_reseg.py --sets seen_heldout,fresh --grid whole_runs --label r4_reseg_whole_runs
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_attribution import collar_shares, error_classes, files_of, summary  # noqa: E402
from benchmarks.bench_diarize import attribution  # noqa: E402
from benchmarks.diarize_sets import SR  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "diarize_attribution_r4.json"


class Cached:
    """One file's diarize inputs, computed once."""

    def __init__(self, f, vad, enc):
        from analyzer.speakers import speech_windows
        from analyzer.voicecount import window_pitch_st

        self.f, self.enc = f, enc
        self.found = speech_windows(f.mono, vad, enc)
        self.voiceprint = enc.voiceprint(f.enrol, vad) if f.enrol is not None else None
        self._pitch, self._emb = None, {}
        self.pitch = lambda: self._pitch if self._pitch is not None else self._set_pitch(window_pitch_st(f.mono, self.found.windows))
        self.spans_asked, self.tiled_s = 0, 0.0

    def _set_pitch(self, p):
        self._pitch = p
        return p

    def embed_spans(self, spans, tile_s):
        self.spans_asked += len(spans)
        self.tiled_s += len(spans) * tile_s
        missing = [s for s in spans if (s, tile_s) not in self._emb]
        if missing:
            for s, e in zip(missing, self.enc.embed([self.f.mono[a:b] for a, b in missing], window_s=tile_s)):
                self._emb[(s, tile_s)] = e
        return np.stack([self._emb[(s, tile_s)] for s in spans])


def rows_for(cache: list[Cached], options) -> tuple[list, float]:
    from analyzer.diarize import diarize_windows

    rows, short_s = [], 0.0
    for c in cache:
        c.spans_asked, c.tiled_s = 0, 0.0
        run = lambda vp: diarize_windows(c.found, c.enc.project, options, voiceprint=vp, window_pitch=c.pitch, embed_spans=c.embed_spans)  # noqa: E731
        first = run(None)
        row = {"file": c.f.name, "agent_db": c.f.agent_db, "kind": c.f.kind or "pcm16k", "rtf": 0.0, "first_speaker": attribution(c.f, first)}
        row["first_speaker"]["other_to_agent_by_class"] = error_classes(c.f, first)
        row["first_speaker"]["collar_0.25s"] = collar_shares(c.f, first)
        asked = c.tiled_s
        ref_agent, ref_other = c.f.reference
        row["agent_solo_s"] = float(np.sum(ref_agent & ~ref_other)) * 0.01
        row["other_solo_s"] = float(np.sum(ref_other & ~ref_agent)) * 0.01
        if c.voiceprint is not None:
            enrolled = run(c.voiceprint)
            row["enrolment"] = attribution(c.f, enrolled)
            row["enrolment"]["other_to_agent_by_class"] = error_classes(c.f, enrolled)
            row["enrolment"]["collar_0.25s"] = collar_shares(c.f, enrolled)
        rows.append(row)
        short_s += asked
    return rows, short_s


def grid(kind: str):
    from analyzer.reseg import ResegOptions

    if kind == "chosen":
        return [None, ResegOptions()]
    if kind == "whole_runs":  # short windows over every run that holds a change of label
        return [None, ResegOptions(reach_s=1e9)]
    if kind == "whole_runs_cheaper":  # the same, fewer or shorter encoder inputs
        return [None] + [ResegOptions(reach_s=1e9, hop_s=hop, tile_s=tile) for tile in (1.5, 1.0, 0.75) for hop in (0.25, 0.375)]
    out = [None]
    for w, reach, sw, margin in itertools.product((0.5, 0.75), (0.5, 1.0), (0.05, 0.1, 0.2), (0.0, 0.1, 0.2)):
        out.append(ResegOptions(window_s=w, hop_s=0.25, switch_s=sw, margin=margin, refit=True, tile_s=1.5, reach_s=reach))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="tune")
    parser.add_argument("--grid", default="full", choices=("full", "chosen", "whole_runs", "whole_runs_cheaper"))
    parser.add_argument("--label", default="reseg_grid")
    args = parser.parse_args()
    from analyzer.diarize import DiarizeOptions
    from analyzer.speakers import SpeakerEncoder
    from analyzer.vad import load_silero_session

    vad, enc = load_silero_session(), SpeakerEncoder()
    result = json.loads(OUT.read_text()) if OUT.is_file() else {}
    for name in args.sets.split(","):
        tic = time.perf_counter()
        cache = [Cached(f, vad, enc) for f in files_of(name)]
        audio_s = sum(len(c.f.mono) for c in cache) / SR
        long_s = sum(len(c.found.windows) for c in cache) * 1.5
        print(f"{name}: {len(cache)} files, {audio_s:.0f} s, cached in {time.perf_counter() - tic:.0f} s", flush=True)
        table = []
        for reseg in grid(args.grid):
            rows, short_s = rows_for(cache, replace(DiarizeOptions(), reseg=reseg))
            s = summary(rows)
            phone = [r["first_speaker"] for r in rows if r["file"].startswith("phone")]
            two = [r["enrolment"] | {"a": r["agent_solo_s"], "o": r["other_solo_s"]} for r in rows if r.get("enrolment") and r["enrolment"]["speakers"] == 2]
            error_s = sum((1 - v["agent_to_agent"]) * v["a"] + v["other_to_agent"] * v["o"] for v in two)
            entry = {"reseg": None if reseg is None else reseg.__dict__, "encoder_s_per_long_window_s": round(short_s / long_s, 3),
                     "two_voice_files_error_s": round(error_s, 2),
                     "enrolment": {k: s["enrolment"][k] for k in ("meeting_both_targets", "agent_10_20dB_quieter", "agent_to_agent_mean",
                                                                   "other_to_agent_mean", "other_to_agent_seconds_by_class")},
                     "first_speaker": {k: s["first_speaker"][k] for k in ("files", "meeting_both_targets", "agent_to_agent_mean", "other_to_agent_mean")}
                     if "first_speaker" in s else None,
                     "telephone": {k: phone[0][k] for k in ("agent_to_agent", "other_to_agent", "other_to_agent_by_class")} if phone else None,
                     "files_meeting_both": None if args.grid == "full" else sorted(r["file"] for r in rows if r.get("enrolment") and r["enrolment"]["agent_to_agent"] >= 0.9
                                                  and r["enrolment"]["other_to_agent"] <= 0.1)}
            table.append(entry)
            e = entry["enrolment"]
            print(json.dumps(entry["reseg"]), entry["encoder_s_per_long_window_s"], entry["two_voice_files_error_s"], e["meeting_both_targets"], e["agent_10_20dB_quieter"],
                  e["agent_to_agent_mean"], e["other_to_agent_mean"], e["other_to_agent_seconds_by_class"],
                  entry["telephone"] and (entry["telephone"]["agent_to_agent"], entry["telephone"]["other_to_agent"]), flush=True)
        result[f"{args.label}/{name}"] = table
        OUT.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
