"""Agent attribution on real two-party mono mixes, end to end (``analyzer.diarize.diarize``:
its own VAD pass, embeddings, clustering, voice count, the agent's choice), per set:

- ``tune``: the telephone call (``.rttm``) and the tuning half's two-voice files of
  ``voice_count_sets`` (LibriSpeech and EmoDB pairs; their speakers trained the projection,
  so these figures are flattered) -- the only files looked at while changing the code;
- ``seen_heldout``: ``voice_count_sets``' held-out two-voice files (scored three times in
  round 2: no longer blind);
- ``fresh``: ``fresh_mix_sets`` (16 calls of eight readers nobody had used), scored with
  the df6ed3a code first (label ``df6ed3a``), then once with the final code.

Per file (10 ms, overlap excluded; ``bench_diarize.attribution``): ``agent_to_agent``
(target >= 0.90), ``other_to_agent`` (target <= 0.10), with the agent named by enrolment
(a piece of the agent not in the call) and by the first-speaker rule (calls the agent
opens).  ``other_to_agent_by_class``: the other party's time labelled agent, split into
``turn_edge`` (within 0.75 s of a change of reference speaker: a window straddling the
change), ``short_turn`` (inside an other-party turn under 1.5 s) and ``inside_turn`` (the
rest: the voice itself confused).  ``collar_0.25s``: the same shares with reference frames
within 0.25 s of a speaker segment's edges not scored (the usual diarization collar), a
second view only: the targets are judged on the shares without it.

    python benchmarks/bench_attribution.py --label df6ed3a --sets tune,seen_heldout,fresh
    python benchmarks/bench_attribution.py --label strict_rescored --strict-labels --sets ...  # df6ed3a's labelling
Writes benchmarks/results/diarize_attribution.json, key ``<label>/<set>``; a ``fresh``
result is never overwritten (score it once per code version, under a new label).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_diarize import attribution  # noqa: E402
from benchmarks.diarize_sets import FRAME, SR  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "diarize_attribution.json"
EDGE_S = 0.75
SHORT_TURN_S = 1.5


def files_of(name: str) -> list:
    from benchmarks.fresh_mix_sets import fresh_mixes
    from benchmarks.voice_count_sets import emodb_files, librispeech_files, telephone_files

    if name == "fresh":
        return fresh_mixes()
    two = [f for f in telephone_files() + librispeech_files() + emodb_files() if f.voices == 2]
    return [f for f in two if f.half == ("tune" if name == "tune" else "heldout")]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


def error_classes(f, diar) -> dict:
    """Seconds of the other party's solo speech labelled agent, by class (module docstring)."""
    ref_agent, ref_other = f.reference
    m = len(ref_agent)
    said = np.zeros(m, bool)
    for a, b, s in diar.turns:
        if s == "agent":
            said[int(a * SR / FRAME) : int(np.ceil(b * SR / FRAME))] = True
    wrong = said & ref_other & ~ref_agent
    # a speaker change: the last active speaker differs from the next one
    who = np.where(ref_agent & ~ref_other, 0, np.where(ref_other & ~ref_agent, 1, -1))
    active = np.flatnonzero(who >= 0)
    changes = [int(active[i + 1]) for i in range(len(active) - 1) if who[active[i]] != who[active[i + 1]]]
    near = np.zeros(m, bool)
    edge = int(EDGE_S * SR / FRAME)
    for c in changes:
        near[max(0, c - edge) : c + edge] = True
    short = np.zeros(m, bool)
    bridged = ref_other.copy()
    for a, b in _runs(~ref_other):  # pauses under 0.3 s stay inside one turn
        if b - a < 30 and a > 0:
            bridged[a:b] = True
    for a, b in _runs(bridged):
        if b - a < SHORT_TURN_S * SR / FRAME:
            short[a:b] = True
    s = lambda x: round(float(np.sum(x)) * FRAME / SR, 2)  # noqa: E731
    return {"other_solo_s": s(ref_other & ~ref_agent), "turn_edge": s(wrong & near), "short_turn": s(wrong & ~near & short), "inside_turn": s(wrong & ~near & ~short)}


def _segments(active: np.ndarray, bridge: int = 30) -> np.ndarray:
    """Reference activity (10 ms) with pauses under 0.3 s bridged: speaker segments."""
    out = active.copy()
    for a, b in _runs(~active):
        if b - a < bridge and a > 0 and b < len(active):
            out[a:b] = True
    return out


def collar_shares(f, diar, collar_s: float = 0.25) -> dict:
    """agent_to_agent / other_to_agent with the usual diarization-scoring collar: reference
    frames within ``collar_s`` of a speaker segment's start or end (segments: activity with
    pauses under 0.3 s bridged) are not scored, as md-eval does; a second view of the same
    output, for how much of a miss lies at segment edges."""
    ref_agent, ref_other = f.reference
    m = len(ref_agent)
    edge = np.zeros(m, bool)
    c = int(collar_s * SR / FRAME)
    for ref in (ref_agent, ref_other):
        for a, b in _runs(_segments(ref)):
            edge[max(0, a - c) : a + c] = True
            edge[max(0, b - c) : b + c] = True
    said = np.zeros(m, bool)
    for a, b, s in diar.turns:
        if s == "agent":
            said[int(a * SR / FRAME) : int(np.ceil(b * SR / FRAME))] = True
    share = lambda ref: round(float(np.sum(said & ref & ~edge) / max(np.sum(ref & ~edge), 1)), 3)  # noqa: E731
    return {"agent_to_agent": share(ref_agent & ~ref_other), "other_to_agent": share(ref_other & ~ref_agent)}


def score(files, options) -> list:
    from analyzer.diarize import diarize
    from analyzer.speakers import SpeakerEncoder
    from analyzer.vad import load_silero_session

    vad, enc = load_silero_session(), SpeakerEncoder()
    rows = []
    for f in files:
        tic = time.perf_counter()
        first = diarize(f.mono, vad, enc, options)
        cost = time.perf_counter() - tic
        row = {"file": f.name, "agent_db": f.agent_db, "kind": f.kind or "pcm16k", "rtf": round(cost / (len(f.mono) / SR), 4),
               "first_speaker": attribution(f, first)}
        if f.enrol is not None:
            enrolled = diarize(f.mono, vad, enc, options, voiceprint=enc.voiceprint(f.enrol, vad))
            row["enrolment"] = attribution(f, enrolled)
            row["enrolment"]["other_to_agent_by_class"] = error_classes(f, enrolled)
            row["enrolment"]["collar_0.25s"] = collar_shares(f, enrolled)
        row["first_speaker"]["other_to_agent_by_class"] = error_classes(f, first)
        row["first_speaker"]["collar_0.25s"] = collar_shares(f, first)
        rows.append(row)
        mode = "enrolment" if "enrolment" in row else "first_speaker"
        v = row[mode]
        print(f"{f.name:<50} {mode:<13} agent {v['agent_to_agent']:.3f} other {v['other_to_agent']:.3f} speakers {v['speakers']} {v['other_to_agent_by_class']}")
    return rows


def summary(rows) -> dict:
    out = {}
    for mode in ("enrolment", "first_speaker"):
        vals = [r for r in rows if mode in r and (mode == "enrolment" or r[mode]["agent_speaks_first"])]
        if not vals:
            continue
        meets = lambda v: v["agent_to_agent"] >= 0.9 and v["other_to_agent"] <= 0.1  # noqa: E731
        quiet = [r for r in vals if r["agent_db"] <= -10]
        classes = {k: round(sum(r[mode]["other_to_agent_by_class"][k] for r in vals), 2) for k in ("other_solo_s", "turn_edge", "short_turn", "inside_turn")}
        collar = [r[mode]["collar_0.25s"] for r in vals if "collar_0.25s" in r[mode]]
        out[mode] = {"files": len(vals), "meeting_both_targets": sum(meets(r[mode]) for r in vals),
                     "meeting_both_targets_collar_0.25s": sum(meets(v) for v in collar) if collar else None,
                     "agent_10_20dB_quieter": f"{sum(meets(r[mode]) for r in quiet)}/{len(quiet)}",
                     "kept_as_one_voice": sum(r[mode]["speakers"] == 1 for r in vals),
                     "agent_to_agent_mean": round(float(np.mean([r[mode]["agent_to_agent"] for r in vals])), 3),
                     "other_to_agent_mean": round(float(np.mean([r[mode]["other_to_agent"] for r in vals])), 3),
                     "agent_heard_mean": round(float(np.mean([r[mode]["agent_heard"] for r in vals])), 3),
                     "other_heard_mean": round(float(np.mean([r[mode]["other_heard"] for r in vals])), 3),
                     "other_to_agent_seconds_by_class": classes}
    out["rtf_mean"] = round(float(np.mean([r["rtf"] for r in rows])), 4)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="code version scored, e.g. df6ed3a or final")
    parser.add_argument("--sets", default="tune", help="comma list of tune, seen_heldout, fresh")
    parser.add_argument("--strict-labels", action="store_true", help="label only the >= 0.5 Silero frames (what df6ed3a did)")
    args = parser.parse_args()
    from analyzer.diarize import DiarizeOptions
    from analyzer.speakers import WindowOptions

    options = DiarizeOptions(windows=WindowOptions(label_heard=False)) if args.strict_labels else DiarizeOptions()

    result = json.loads(OUT.read_text()) if OUT.is_file() else {}
    for name in args.sets.split(","):
        key = f"{args.label}/{name}"
        if name == "fresh" and key in result:
            print(f"{key} is already recorded: the fresh set is scored once per code version")
            continue
        rows = score(files_of(name), options)
        result[key] = {"summary": summary(rows), "files": rows}
        print(key, json.dumps(result[key]["summary"], indent=1))
        OUT.write_text(record_text(result))
    return 0


def record_text(result: dict) -> str:
    """The record with summaries indented and one line per file (a readable diff, a
    quarter of the size of indenting every turn)."""
    parts = []
    for key, entry in result.items():
        files = ",\n   ".join(json.dumps(row) for row in entry["files"])
        parts.append(f' {json.dumps(key)}: {{\n  "summary": {json.dumps(entry["summary"], indent=1)},\n  "files": [\n   {files}\n  ]\n }}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    sys.exit(main())
