"""The synthetic-call generator does what its controls say (pitch shift, flattening, timing)."""

import shutil

import numpy as np
import pytest

from benchmarks import synthesis

SR = 16000
HAVE_ESPEAK = shutil.which("espeak-ng") is not None or shutil.which("espeak") is not None


def harmonic_voice(seconds: float = 2.4, f0_hz: float = 120.0) -> np.ndarray:
    """A voiced test signal: harmonics of an F0 swinging +-3 st, in 0.4 s 'syllables'."""
    t = np.arange(int(seconds * SR)) / SR
    f0 = f0_hz * 2.0 ** (3.0 * np.sin(2 * np.pi * 0.7 * t) / 12)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    audio = sum(np.sin(k * phase) / k for k in range(1, 25) if k * f0_hz < 4000)
    envelope = np.clip(np.sin(np.pi * t / 0.4) ** 2 * 1.5, 0, 1)
    return (0.1 * audio * envelope).astype(np.float32)


def espeak_voice() -> np.ndarray:
    audio, sr = synthesis.synthesize(
        "Thank you for calling, let me pull up your account right away.", voice="espeak"
    )
    return synthesis._resample(audio, sr, SR)


def dio_semitones(audio: np.ndarray) -> np.ndarray:
    import pyworld as pw

    x = audio.astype(np.float64)
    f0, t = pw.dio(x, SR, f0_floor=60, f0_ceil=500, frame_period=5.0)
    f0 = pw.stonemask(x, f0, t, SR)
    return 12 * np.log2(f0[f0 > 0])


def robust_range(semitones: np.ndarray) -> float:
    return float(np.percentile(semitones, 90) - np.percentile(semitones, 10))


SOURCES = [
    pytest.param(harmonic_voice, id="harmonic"),
    pytest.param(
        espeak_voice, id="espeak", marks=pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng not installed")
    ),
]


@pytest.mark.parametrize("make_audio", SOURCES)
def test_shift_moves_median_f0(make_audio):
    audio = make_audio()
    shifted = synthesis.reshape_pitch(audio, SR, shift_semitones=3.0)
    moved = np.median(dio_semitones(shifted)) - np.median(dio_semitones(audio))
    assert abs(moved - 3.0) < 0.7


@pytest.mark.parametrize("make_audio", SOURCES)
def test_small_excursion_scale_flattens(make_audio):
    audio = make_audio()
    flat = synthesis.reshape_pitch(audio, SR, excursion_scale=0.3)
    ratio = robust_range(dio_semitones(flat)) / robust_range(dio_semitones(audio))
    assert ratio < 0.5
    assert abs(np.median(dio_semitones(flat)) - np.median(dio_semitones(audio))) < 0.7


def test_expected_flags_follow_controls():
    Turn = synthesis.Turn
    assert synthesis.expected_flags(Turn("x", True, speed=1.6)) == ["rushed"]
    assert synthesis.expected_flags(Turn("x", True, shift_semitones=4, excursion_scale=2.0)) == ["cheerful"]
    assert synthesis.expected_flags(Turn("x", True, shift_semitones=4, excursion_scale=1.0)) == []
    assert synthesis.expected_flags(Turn("x", True, excursion_scale=0.25)) == ["flat"]
    assert synthesis.expected_flags(Turn("x", True)) == []


def _active(audio: np.ndarray, start: float, end: float) -> float:
    """Fraction of 10 ms frames in [start, end) louder than -45 dBFS."""
    segment = audio[int(start * SR) : int(end * SR)]
    frames = segment[: len(segment) // 160 * 160].reshape(-1, 160)
    return float(np.mean(10 * np.log10(np.mean(frames**2, axis=1) + 1e-12) > -45))


@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng not installed")
def test_truth_times_match_speech():
    Turn = synthesis.Turn
    turns = [
        Turn("Thank you for holding.", pause_after_s=0.8),
        Turn("I am sorry about that.", is_apology=True, excursion_scale=0.3, pause_after_s=0.8),
        Turn("Anything else today?"),
    ]
    audio, sr, truth = synthesis.build_call(turns, voice="espeak", sr_out=SR)
    assert sr == SR and audio.ndim == 1
    (apology,) = truth
    assert apology["expected_flags"] == ["flat"] and apology["text"] == turns[1].text
    start, end = apology["start"], apology["end"]
    assert 0.5 < end - start < 3.0
    assert _active(audio, start, start + 0.05) > 0.5 and _active(audio, end - 0.05, end) > 0.5
    assert _active(audio, start - 0.3, start - 0.02) == 0.0
    assert _active(audio, end + 0.02, end + 0.3) == 0.0


def test_revoicing_keeps_the_breathy_joe_voice_voiced():
    """Vocoded unchanged, the joe voice keeps most of the frames the analyzer's pitch
    tracker hears as voiced in the plain TTS (WORLD renders unvoiced frames as breath;
    with DIO's voicing alone it kept 62 % of them, so 'cheerful' joe apologies whispered)."""
    from analyzer.pitch import track_pitch

    def voiced_frames(audio):
        return int(np.isfinite(track_pitch(audio, SR).f0_hz).sum())

    plain = revoiced = 0
    for text in (
        "I'm sorry the package arrived damaged.",
        "Pardon the wait, I had to check with my supervisor.",
        "Your package left our warehouse on Tuesday afternoon.",
        "The tracking number ends in four seven two nine.",
    ):
        audio = synthesis.speak(text, "joe", SR)
        plain += voiced_frames(audio)
        revoiced += voiced_frames(synthesis.reshape_pitch(audio, SR))
    assert revoiced >= 0.8 * plain, (revoiced, plain)
