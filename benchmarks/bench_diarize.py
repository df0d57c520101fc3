"""Who speaks when on two-party mono calls: agent attribution per embedding candidate, and
whether the agent's flags survive the mix.

Attribution (per call, 10 ms frames, overlap excluded): ``agent_to_agent`` = share of the
agent's speech time labelled agent (target >= 0.90); ``other_to_agent`` = share of the
other party's speech time labelled agent (target <= 0.10).  The agent is chosen by
enrolment (a clip of the agent not in the call) or, without it, by the first-speaker rule.
Candidates share the windows and the clustering (analyzer.diarize) and differ only in the
embedding: ``ge2e`` (Resemblyzer's GE2E encoder, the shipped one), ``whisper`` (mean and
spread of the Whisper tiny.en encoder states of the window, the laughter model's
features, z-scored per call), ``mfcc`` (mean and spread of 20 MFCCs, z-scored per call).

``--flags``: the synthetic calls are analysed three ways -- the agent's clean channel, the
mono mix diarized, the mono mix without diarization -- and each agent apology's tone
flags are compared; any reported apology inside a customer's apology is counted.
``--flags-real-other``: the same with the other party's turns spoken by real LibriSpeech
readers (diarize_sets.with_real_other); any reported apology inside their turns is counted.

    python benchmarks/bench_diarize.py [--flags] [--half heldout|tune|all]
Writes benchmarks/results/diarize.json (merging into what is there).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.diarize_sets import FRAME, SR, librispeech_calls, synthetic_calls, telephone_sample  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "diarize.json"
TONE = ("rushed", "cheerful", "flat", "nervous_laugh")


class ZScored:
    """Per-call standardised features -> unit vectors (for features with no trained metric)."""

    def __init__(self, features):
        self.features = features

    def embed(self, clips):
        x = np.stack([self.features(c) for c in clips]) if clips else np.zeros((0, 1))
        if len(x) > 1:
            x = (x - x.mean(0)) / (x.std(0) + 1e-6)
        return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def mfcc_features(clip):
    import librosa

    m = librosa.feature.mfcc(y=clip.astype(np.float32), sr=SR, n_mfcc=20, n_fft=400, hop_length=160)
    return np.concatenate([m.mean(1), m.std(1)])


def whisper_features():
    from analyzer.encoder_features import EncoderFeatures

    enc = EncoderFeatures()

    def features(clip):
        states, _ = enc.encode_chunk(clip[: enc.chunk].astype(np.float32))
        return np.concatenate([states.mean(0), states.std(0)])

    return features


def embedders(names):
    from analyzer.speakers import SpeakerEncoder

    made = {}
    for name in names:
        if name == "ge2e":
            made[name] = SpeakerEncoder()
        elif name == "mfcc":
            made[name] = ZScored(mfcc_features)
        elif name == "whisper":
            made[name] = ZScored(whisper_features())
    return made


def attribution(call, diar) -> dict:
    """Shares of each party's reference speech (10 ms, overlap excluded) labelled agent."""
    ref_agent, ref_other = call.activity()
    m = len(ref_agent)
    said_agent = np.zeros(m, bool)
    for a, b, s in diar.turns:
        if s == "agent":
            said_agent[int(a * SR / FRAME) : int(np.ceil(b * SR / FRAME))] = True
    solo_agent, solo_other = ref_agent & ~ref_other, ref_other & ~ref_agent
    share = lambda ref: float(np.sum(said_agent & ref) / max(np.sum(ref), 1))  # noqa: E731
    said_other = np.zeros(m, bool)
    for a, b, s in diar.turns:
        if s == "other":
            said_other[int(a * SR / FRAME) : int(np.ceil(b * SR / FRAME))] = True
    # the clustering alone, whichever cluster the agent rule picked: the better of both namings
    swapped = float(np.sum(said_other & solo_agent) / max(np.sum(solo_agent), 1)) - float(np.sum(said_other & solo_other) / max(np.sum(solo_other), 1))
    # what the pipeline hears: everything not muted (Diarization.other_spans; speech far from any other-party turn that the VAD missed is not muted)
    muted = np.zeros(m, bool)
    for a, b in diar.other_spans():
        muted[int(a * SR / FRAME) : int(np.ceil(b * SR / FRAME))] = True
    heard = lambda ref: float(np.sum(~muted & ref) / max(np.sum(ref), 1))  # noqa: E731
    return {"agent_to_agent": round(share(solo_agent), 3), "other_to_agent": round(share(solo_other), 3),
            "agent_heard": round(heard(solo_agent), 3), "other_heard": round(heard(solo_other), 3),
            "best_naming_gap": round(max(share(solo_agent) - share(solo_other), swapped), 3),
            "dprime": None if diar.separation is None else round(diar.separation, 2),
            "agent_speaks_first": bool(np.argmax(solo_agent) < np.argmax(solo_other)),
            "speakers": diar.speakers, "centroid_similarity": None if diar.centroid_similarity is None else round(diar.centroid_similarity, 3),
            "selection": diar.agent_selection.get("method")}


def run_attribution(calls, names, speakers: str) -> dict:
    from analyzer.diarize import DiarizeOptions, diarize
    from analyzer.speakers import SpeakerEncoder
    from analyzer.vad import load_silero_session

    vad = load_silero_session()
    made = embedders(names)
    ge2e = SpeakerEncoder()
    out = {}
    for name, enc in made.items():
        rows, cost, audio_s = [], 0.0, 0.0
        for call in calls:
            voice = None
            if call.enrol is not None:
                voice = ge2e.voiceprint(call.enrol, vad) if name == "ge2e" else None
            tic = time.perf_counter()
            heur = diarize(call.mono, vad, enc, DiarizeOptions(speakers=speakers))
            cost += time.perf_counter() - tic
            audio_s += len(call.mono) / SR
            row = {"call": call.name, "half": call.half, "first_speaker": attribution(call, heur)}
            if call.agent.size:  # the agent's track alone, same channel: must stay one voice
                from benchmarks.diarize_sets import channel

                alone = diarize(channel(call.agent, call.kind), vad, enc, DiarizeOptions(speakers=speakers))
                row["alone"] = {"speakers": alone.speakers, "centroid_similarity": alone.centroid_similarity and round(alone.centroid_similarity, 3),
                                "dprime": alone.separation and round(alone.separation, 2)}
            if voice is not None:
                row["enrolment"] = attribution(call, diarize(call.mono, vad, enc, DiarizeOptions(speakers=speakers), voiceprint=voice))
            rows.append(row)
            print(f"{name:<8} {call.name:<44} " + "  ".join(f"{k}: {v['agent_to_agent']:.2f}/{v['other_to_agent']:.2f} ({v['speakers']}, sim {v['centroid_similarity']}, d' {v['dprime']})" for k, v in row.items() if isinstance(v, dict) and k != "alone")
                  + (f"  alone: {row['alone']['speakers']} (sim {row['alone']['centroid_similarity']}, d' {row['alone']['dprime']})" if "alone" in row else ""))
        out[name] = {"rtf": round(cost / max(audio_s, 1e-9), 4), "calls": rows, "summary": summarise(rows)}
    return out


def run_ami() -> list:
    """AMI meeting excerpts (4 talkers, no speaker labels in ../shared): what auto decides,
    and how the speech splits (no attribution score without a reference)."""
    from analyzer.audio import load_audio
    from analyzer.diarize import diarize
    from analyzer.speakers import SpeakerEncoder
    from analyzer.vad import load_silero_session
    from benchmarks.diarize_sets import SHARED

    vad, enc, rows = load_silero_session(), SpeakerEncoder(), []
    for path in sorted((SHARED / "conversation" / "ami").glob("*.flac")):
        d = diarize(load_audio(path).samples, vad, enc)
        agent_s = sum(b - a for a, b, s in d.turns if s == "agent")
        total = sum(b - a for a, b, _ in d.turns)
        rows.append({"file": path.name, "speakers": d.speakers, "dprime": d.separation and round(d.separation, 2),
                     "voice_similarity": d.centroid_similarity and round(d.centroid_similarity, 3), "agent_share": round(agent_s / max(total, 1e-9), 2)})
        print("ami", rows[-1])
    return rows


def summarise(rows) -> dict:
    res = {}
    for half in ("tune", "heldout"):
        alone = [r["alone"]["speakers"] for r in rows if "alone" in r and r["half"] == half]
        if alone:
            res[f"single_voice_kept_one/{half}"] = f"{alone.count(1)}/{len(alone)}"
    for mode in ("first_speaker", "first_speaker_when_agent_first", "enrolment"):
        for half in ("tune", "heldout"):
            key = mode.split("_when")[0]
            vals = [r[key] for r in rows if key in r and r["half"] == half and (key == mode or r[key]["agent_speaks_first"])]
            if vals:
                res[f"{mode}/{half}"] = {
                    "calls": len(vals),
                    "agent_to_agent_min": min(v["agent_to_agent"] for v in vals),
                    "agent_to_agent_mean": round(float(np.mean([v["agent_to_agent"] for v in vals])), 3),
                    "other_to_agent_max": max(v["other_to_agent"] for v in vals),
                    "other_to_agent_mean": round(float(np.mean([v["other_to_agent"] for v in vals])), 3),
                    "calls_meeting_both_targets": sum(v["agent_to_agent"] >= 0.9 and v["other_to_agent"] <= 0.1 for v in vals),
                    "best_naming_gap_min": min(v["best_naming_gap"] for v in vals),
                }
    return res


def _match(apology, reported):
    best = [r for r in reported if min(r["end"], apology["end"]) - max(r["start"], apology["start"]) > 0]
    return best[0] if best else None


def run_flags(calls) -> dict:
    """Tone flags per agent apology: clean channel vs diarized mix vs undiarized mix."""
    import tempfile

    import soundfile as sf

    from analyzer.analyze import AnalyzeOptions, Analyzer

    analyzer = Analyzer(AnalyzeOptions())
    rows, agree, total, customer_reported, plain_customer, clean_missed = [], 0, 0, 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for call in calls:
            clean_path, mix_path = Path(tmp) / "clean.wav", Path(tmp) / "mix.wav"
            from benchmarks.diarize_sets import channel

            sf.write(str(clean_path), channel(call.agent, call.kind), SR, subtype="FLOAT")  # same telephone channel as the mix
            sf.write(str(mix_path), call.mono, SR, subtype="FLOAT")
            clean = analyzer.analyze_file(clean_path, speakers="1")
            mixed = analyzer.analyze_file(mix_path, voice=call.enrol)
            plain = analyzer.analyze_file(mix_path, speakers="1")
            for apology in call.truth:
                c, m = _match(apology, clean["apologies"]), _match(apology, mixed["apologies"])
                tone = lambda r: sorted(f["kind"] for f in r["flags"] if f["kind"] in TONE) if r else None  # noqa: E731
                if c is None:  # the clean channel itself missed it (ASR): nothing to compare
                    clean_missed += 1
                same = c is not None and m is not None and tone(c) == tone(m)
                agree += same
                total += c is not None
                rows.append({"call": call.name, "apology": apology["text"], "expected": apology["expected_flags"], "clean": tone(c), "mixed": tone(m), "agree": same,
                             "baseline_hz": [c and c["baseline"].get("pitch_median_hz"), m and m["baseline"].get("pitch_median_hz")]})
            for span in call.customer_apologies:
                customer_reported += any(min(r["end"], span[1]) - max(r["start"], span[0]) > 0 for r in mixed["apologies"])
                plain_customer += any(min(r["end"], span[1]) - max(r["start"], span[0]) > 0 for r in plain["apologies"])
            print(f"{call.name:<44} {mixed.get('agent_selection')}  baseline clean {clean['baseline'].get('pitch_median_hz')} mixed {mixed['baseline'].get('pitch_median_hz')} undiarized {plain['baseline'].get('pitch_median_hz')}")
    n_customer = sum(len(c.customer_apologies) for c in calls)
    return {"apologies": total, "missed_in_clean_channel": clean_missed, "tone_flags_agree": agree, "agreement": round(agree / max(total, 1), 3),
            "customer_apologies": n_customer, "customer_apologies_reported_as_agent": customer_reported,
            "customer_apologies_reported_without_diarization": plain_customer, "rows": rows}


def run_bleed(calls, leaks_db=(-20.0, -30.0)) -> dict:
    """Headset bleed: the agent's own channel with the far end leaking in ``leaks_db`` below
    the agent's active level, analysed as live audio is (no diarization), without and with
    the bleed gate: are the customer's apologies reported, do the agent's flags change?"""
    from analyzer.analyze import AnalyzeOptions, Analyzer
    from analyzer.audio import DecodedAudio
    from analyzer.bleed import BleedOptions
    from analyzer.pipeline import PipelineOptions
    from benchmarks.diarize_sets import _rms, channel

    plain = Analyzer(AnalyzeOptions(speakers="1"))
    gated = Analyzer(AnalyzeOptions(speakers="1", pipeline=PipelineOptions(asr_pack_s=24.0, bleed_gate=BleedOptions())))
    out = {}
    for leak in leaks_db:
        for name, analyzer in (("no_gate", plain), ("gate", gated)):
            reported, words, agree, found, shift = 0, 0, 0, 0, []
            for call in calls:
                clean = channel(call.agent, call.kind)
                far = call.other * (_rms(call.agent) / _rms(call.other) * 10 ** (leak / 20))
                mic = channel(call.agent + far, call.kind)
                base = plain.analyze_samples(DecodedAudio(clean, SR, 1, "mono"), {"path": "clean"})
                rep = analyzer.analyze_samples(DecodedAudio(mic, SR, 1, "mono"), {"path": "mic"})
                for a, b in call.customer_apologies:
                    reported += any(min(r["end"], b) - max(r["start"], a) > 0 for r in rep["apologies"])
                    words += sum(1 for w in rep["words"] if a <= w["start"] < b)
                for apology in call.truth:
                    c, m = _match(apology, base["apologies"]), _match(apology, rep["apologies"])
                    if c is not None:
                        found += 1
                        agree += m is not None and sorted(f["kind"] for f in c["flags"] if f["kind"] in TONE) == sorted(f["kind"] for f in m["flags"] if f["kind"] in TONE)
                hz = (base["baseline"].get("pitch_median_hz"), rep["baseline"].get("pitch_median_hz"))
                if all(hz):
                    shift.append(round(12 * float(np.log2(hz[1] / hz[0])), 2))
            key = f"{leak:+.0f}dB/{name}"
            out[key] = {"customer_apologies": sum(len(c.customer_apologies) for c in calls), "reported_as_agent": reported,
                        "words_heard_in_customer_apologies": words, "agent_apologies": found, "agent_tone_flags_agree": agree,
                        "baseline_pitch_shift_st": shift}
            print(f"bleed {key}: {out[key]}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tune", "heldout", "all"], default="all")
    parser.add_argument("--embeddings", default="ge2e,whisper,mfcc")
    parser.add_argument("--speakers", default="auto", choices=["auto", "2"])
    parser.add_argument("--flags", action="store_true", help="also compare the agent's tone flags (runs Whisper)")
    parser.add_argument("--flags-real-other", action="store_true", help="--flags with the other party's turns spoken by real LibriSpeech readers")
    parser.add_argument("--bleed", action="store_true", help="also measure headset far-end bleed on the agent's own channel (runs Whisper)")
    parser.add_argument("--label", default="final", help="key under which results are stored (e.g. blind_first)")
    args = parser.parse_args()
    tic = time.perf_counter()
    cache = ROOT / "benchmarks" / "out" / "diarize_calls.pkl"
    if cache.is_file():  # the calls are seeded: a cache only saves the synthesis time
        synth, libri = pickle.loads(cache.read_bytes())
    else:
        synth, libri = synthetic_calls(), librispeech_calls()
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps((synth, libri)))
    calls = synth + libri
    tel = telephone_sample()
    if tel is not None:
        calls.append(tel)
    if args.half != "all":
        calls = [c for c in calls if c.half == args.half]
    print(f"{len(calls)} calls built in {time.perf_counter() - tic:.0f} s")
    result = json.loads(OUT.read_text()) if OUT.is_file() else {}
    entry = {"speakers": args.speakers, "half": args.half, "attribution": run_attribution(calls, args.embeddings.split(","), args.speakers)}
    if args.flags:
        entry["flags"] = run_flags([c for c in synth if c.half == args.half or args.half == "all"])
        f = entry["flags"]
        print(f"tone flags agree on {f['tone_flags_agree']}/{f['apologies']} apologies found in the clean channel ({f['missed_in_clean_channel']} missed there); customer apologies reported as the agent's: "
              f"{f['customer_apologies_reported_as_agent']}/{f['customer_apologies']} (without diarization {f['customer_apologies_reported_without_diarization']})")
    if args.flags_real_other:
        from benchmarks.diarize_sets import with_real_other

        entry["flags_real_other"] = run_flags(with_real_other([c for c in synth if c.half == args.half or args.half == "all"]))
        f = entry["flags_real_other"]
        print(f"real other party: tone flags agree on {f['tone_flags_agree']}/{f['apologies']}; other-party turns holding a reported apology: {f['customer_apologies_reported_as_agent']}/{f['customer_apologies']}")
    if "ge2e" in args.embeddings and (ROOT.parent / "shared" / "data" / "conversation" / "ami").is_dir():
        entry["ami"] = run_ami()
    if args.bleed:
        entry["bleed"] = run_bleed([c for c in synth if c.half == args.half or args.half == "all"])
    for name, res in entry["attribution"].items():
        print(name, "rtf", res["rtf"], json.dumps(res["summary"]))
    stored = result.setdefault(f"{args.label}/{args.half}/{args.speakers}", {})
    stored.update({k: v for k, v in entry.items() if k != "attribution"})
    stored.setdefault("attribution", {}).update(entry["attribution"])  # one run may add a candidate
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
