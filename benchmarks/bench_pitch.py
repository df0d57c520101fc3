"""Pitch tracking, wideband and on telephone audio, against a wideband reference.

For LibriSpeech utterances in ../shared/data, the reference F0 is WORLD's Harvest on the
wideband original (an independent tracker).  analyzer.pitch.track_pitch runs on the
wideband audio and on the same audio through a simulated telephone channel (300-3400 Hz,
8 kHz, G.711 mu-law, back to 16 kHz).  Printed per condition: gross pitch error (share of
frames voiced in both that are more than 20 %, about 3.2 st, off the reference), voiced
coverage (share of the reference's voiced frames that the tracker keeps), and how far each
utterance's median and 10-90 % range land from the reference's (median over utterances and
90th percentile, semitones); the share of frames voiced on white, pink and brown noise;
on TTS sentences re-voiced by WORLD with a known raised, widened contour, how many of its
peaks are read an octave off (known_contour); and how much voicing the test-call
generator's WORLD re-voicing keeps per TTS voice (revoicing_fidelity; needs the synth extra).

Run: python benchmarks/bench_pitch.py [--files N]   -> benchmarks/results/pitch.json
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

from analyzer.audio import load_audio  # noqa: E402
from analyzer.pitch import HOP_S, hz_to_semitones, track_pitch  # noqa: E402
from benchmarks.synthesis import through_telephone  # noqa: E402

GROSS_ST = 12.0 * np.log2(1.2)  # the usual gross-error bound: 20 %


def reference_f0(samples: np.ndarray, n_frames: int) -> np.ndarray:
    """Harvest F0 on the tracker's frame grid (HOP_S); NaN where Harvest finds no voicing."""
    import pyworld as pw

    f0, t = pw.harvest(samples.astype(np.float64), 16_000, f0_floor=60.0, f0_ceil=500.0, frame_period=10.0)
    times = np.arange(n_frames) * HOP_S
    values = np.interp(times, t, f0)
    voiced = np.interp(times, t, (f0 > 0).astype(float)) > 0.99
    return np.where(voiced, values, np.nan)


def compare(track: np.ndarray, ref: np.ndarray) -> dict:
    n = min(len(track), len(ref))
    track, ref = track[:n], ref[:n]
    both = np.isfinite(track) & np.isfinite(ref)
    ref_voiced = np.isfinite(ref)
    out = {"frames": int(both.sum()), "coverage": float(both.sum() / max(ref_voiced.sum(), 1))}
    diff = 12.0 * np.log2(track[both] / ref[both])
    out["gross"] = int(np.sum(np.abs(diff) > GROSS_ST))
    if np.isfinite(track).sum() >= 10 and ref_voiced.sum() >= 10:
        t_st, r_st = hz_to_semitones(track[np.isfinite(track)]), hz_to_semitones(ref[ref_voiced])
        out["median_err_st"] = float(abs(np.median(t_st) - np.median(r_st)))
        out["range_err_st"] = float(abs(np.ptp(np.percentile(t_st, [10, 90])) - np.ptp(np.percentile(r_st, [10, 90]))))
    return out


def summarise(rows: list[dict]) -> dict:
    frames = sum(r["frames"] for r in rows)
    med = [r["median_err_st"] for r in rows if "median_err_st" in r]
    rng = [r["range_err_st"] for r in rows if "range_err_st" in r]
    return {
        "gross_error_rate": round(sum(r["gross"] for r in rows) / max(frames, 1), 4),
        "coverage": round(float(np.mean([r["coverage"] for r in rows])), 3),
        "median_err_st": {"p50": round(float(np.median(med)), 2), "p90": round(float(np.percentile(med, 90)), 2)},
        "range_err_st": {"p50": round(float(np.median(rng)), 2), "p90": round(float(np.percentile(rng, 90)), 2)},
        "utterances": len(rows),
    }


def noise_voicing(seconds: float = 5.0, seeds: int = 6) -> dict:
    """Share of frames track_pitch calls voiced on white / pink / brown noise (no voice)."""
    from scipy.signal import lfilter

    out = {}
    for kind, pole in (("white", 0.0), ("pink", 0.9), ("brown", 0.99)):
        shares = []
        for seed in range(seeds):
            noise = lfilter([1.0], [1.0, -pole], np.random.default_rng(100 + seed).standard_normal(int(16_000 * seconds)))
            noise = (0.1 * noise / np.std(noise)).astype(np.float32)
            shares.append(float(np.isfinite(track_pitch(noise).f0_hz).mean()))
        out[kind] = round(float(np.mean(shares)), 4)
    return out


KNOWN_CONTOUR_TEXTS = (
    "I'm sorry the package arrived damaged.",
    "Pardon the wait, I had to check with my supervisor.",
    "My apologies for the confusion with your bill.",
    "I regret that we missed the appointment window yesterday.",
    "Sorry for the mix-up with your delivery address.",
    "I sincerely apologize for the trouble with your connection.",
)


def known_contour(voice: str = "hibari", shift_st: float = 4.0, excursion_scale: float = 2.0) -> dict:
    """The tracker against an F0 that is known exactly: TTS sentences re-voiced by WORLD
    with a raised, widened contour (as the test calls' 'cheerful' apologies are), whose
    per-frame F0 is what WORLD was given.  Reports the share of WORLD's voiced frames the
    tracker keeps and, for frames 9+ st above the sentence's median, the share read more
    than 6 st off (octave errors: real peaks folded down)."""
    from benchmarks import synthesis

    high, high_off, kept, voiced = 0, 0, 0, 0
    for text in KNOWN_CONTOUR_TEXTS:
        revoiced, given, frame_times = synthesis.revoice(synthesis.speak(text, voice), 16_000, shift_st, excursion_scale)
        track = track_pitch(revoiced)
        truth = given[np.clip(np.searchsorted(frame_times, track.times_s), 0, len(given) - 1)]
        is_voiced = truth > 0
        offset = hz_to_semitones(truth[is_voiced]) - np.median(hz_to_semitones(given[given > 0]))
        got = track.f0_hz[is_voiced]
        voiced += int(is_voiced.sum())
        kept += int(np.isfinite(got).sum())
        peak = (offset >= 9.0) & np.isfinite(got)
        high += int(peak.sum())
        high_off += int(np.sum(np.abs(12.0 * np.log2(got[peak] / truth[is_voiced][peak])) > 6.0))
    return {
        "voice": voice, "shift_st": shift_st, "excursion_scale": excursion_scale, "sentences": len(KNOWN_CONTOUR_TEXTS),
        "coverage": round(kept / max(voiced, 1), 3),
        "peak_frames": high, "peak_frames_octave_off": round(high_off / max(high, 1), 3),
    }


def revoicing_fidelity(voices: tuple = ("joe", "hibari")) -> dict:
    """Generator check: voiced frames (track_pitch) kept when a plain TTS sentence is
    re-voiced by WORLD unchanged; WORLD renders frames it takes as unvoiced as breath."""
    from benchmarks import synthesis

    out = {}
    for voice in voices:
        plain = revoiced = 0
        for text in KNOWN_CONTOUR_TEXTS:
            x = synthesis.speak(text, voice)
            plain += int(np.isfinite(track_pitch(x).f0_hz).sum())
            revoiced += int(np.isfinite(track_pitch(synthesis.reshape_pitch(x, 16_000)).f0_hz).sum())
        out[voice] = round(revoiced / max(plain, 1), 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--files", type=int, default=40, help="LibriSpeech utterances (spread over speakers)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/pitch.json")
    args = parser.parse_args()
    files = sorted((args.shared / "data/speech/librispeech").rglob("*.flac"))
    if not files:
        print(f"skipped: no LibriSpeech files under {args.shared}/data")
        return 0
    step = max(1, len(files) // args.files)
    files = files[::step][: args.files]
    rows: dict[str, list] = {"wideband": [], "telephone": []}
    tic = time.time()
    tracking_s = audio_s = 0.0
    for i, path in enumerate(files):
        wide = load_audio(path).samples
        audio = {"wideband": wide, "telephone": through_telephone(wide)}
        ref = None
        for cond, samples in audio.items():
            started = time.perf_counter()
            track = track_pitch(samples).f0_hz
            tracking_s += time.perf_counter() - started
            audio_s += len(samples) / 16_000
            if ref is None:
                ref = reference_f0(wide, len(track))
            rows[cond].append(compare(track, ref))
        print(f"  {i + 1}/{len(files)} {time.time() - tic:.0f} s", file=sys.stderr)
    summary = {key: summarise(value) for key, value in rows.items()}
    print(f"{'condition':24s} {'gross err':>9s} {'coverage':>8s} {'median err p50/p90 st':>22s} {'range err p50/p90 st':>21s}")
    for key, s in summary.items():
        print(
            f"{key:24s} {100 * s['gross_error_rate']:8.1f}% {s['coverage']:8.2f} "
            f"{s['median_err_st']['p50']:>10.2f} / {s['median_err_st']['p90']:<8.2f} {s['range_err_st']['p50']:>9.2f} / {s['range_err_st']['p90']:<8.2f}"
        )
    noise = noise_voicing()
    print("noise, share of frames voiced: " + ", ".join(f"{k} {100 * v:.1f} %" for k, v in noise.items()))
    print(f"tracking cost: {tracking_s / audio_s:.4f} s per audio second")
    contour = known_contour()
    print(
        f"known contour ({contour['voice']}, +{contour['shift_st']:.0f} st, excursions x{contour['excursion_scale']:.0f}): "
        f"coverage {contour['coverage']:.2f}, frames 9+ st above the median read an octave off: "
        f"{100 * contour['peak_frames_octave_off']:.0f} % of {contour['peak_frames']}"
    )
    fidelity = revoicing_fidelity()
    print("re-voiced unchanged, voiced frames kept: " + ", ".join(f"{k} {100 * v:.0f} %" for k, v in fidelity.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "reference": "WORLD Harvest on the wideband original", "gross_bound_st": round(GROSS_ST, 2), "files": len(files),
        "summary": summary, "tracking_rtf": round(tracking_s / audio_s, 5), "noise_voiced_share": noise, "known_contour": contour, "revoicing_voiced_kept": fidelity,
    }
    args.out.write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
