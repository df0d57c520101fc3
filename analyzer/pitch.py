"""Pitch (F0) tracking and robust pitch statistics.

F0 comes from SwiftF0 (``swift-f0``, MIT: a 14k-parameter convolutional network in ONNX,
run with onnxruntime; 16 ms frames, 60-500 Hz search band, a voicing confidence per frame,
voiced at the model's calibrated 0.5).  It replaced a hand-built tracker (pYIN cross-checked
by YIN, fundamental restoration and harmonic-lock repair for telephone audio, consensus
voicing for breathy voices, octave folding).  benchmarks/bench_pitch.py, same 40
LibriSpeech utterances against WORLD's Harvest on the wideband original, previous tracker
-> SwiftF0: gross errors (> 20 % off) 12.5 -> 0.7 % wideband and 13.6 -> 0.8 % through a
G.711 telephone channel; per-utterance median error p90 1.14 -> 0.97 st and 2.10 -> 0.85 st;
frames voiced on white / pink / brown noise 11 / 5 / 43 % -> 0 / 0.3 / 0 %; peaks of a known
sing-song contour read an octave off 44 % -> 0 %; about 4x less compute.  It voices fewer of
Harvest's frames (0.65 vs 0.84 wideband): it leaves out what it is unsure of.
Statistics are robust: medians and 10th-90th percentile ranges in semitones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np

HOP_S = 0.016  # SwiftF0's frame period
F0_MIN_HZ = 60.0
F0_MAX_HZ = 500.0
EDGE_MARGIN = 1.06  # one semitone inside the search range
VOICED_CONFIDENCE = 0.5  # SwiftF0's calibrated voicing threshold
REFERENCE_HZ = 55.0  # semitone scale origin (A1); only differences are reported
LEVEL_PEAK = 0.5  # the model does not normalise level: quiet phone audio is scaled up first


@dataclass(frozen=True)
class PitchTrack:
    """F0 per 16 ms frame.

    times_s: float64 (n,), frame centres in seconds from the track's ``offset_s``.
    f0_hz: float64 (n,), NaN where unvoiced.
    """

    times_s: np.ndarray
    f0_hz: np.ndarray

    def joined(self, later: "PitchTrack") -> "PitchTrack":
        """This track followed by ``later`` (a later utterance's track)."""
        return PitchTrack(np.concatenate([self.times_s, later.times_s]), np.concatenate([self.f0_hz, later.f0_hz]))

    def between(self, start_s: float, end_s: float) -> np.ndarray:
        """Voiced F0 values (Hz) of frames whose centre lies in [start_s, end_s)."""
        mask = (self.times_s >= start_s) & (self.times_s < end_s)
        values = self.f0_hz[mask]
        return values[np.isfinite(values)]


def hz_to_semitones(f0_hz: np.ndarray) -> np.ndarray:
    """Semitones above 55 Hz; any shape."""
    return 12.0 * np.log2(np.asarray(f0_hz, dtype=np.float64) / REFERENCE_HZ)


def semitones_to_hz(semitones: float) -> float:
    return float(REFERENCE_HZ * 2.0 ** (semitones / 12.0))


@lru_cache(maxsize=1)
def _detector():
    """The SwiftF0 model, loaded once per process; one thread, and idle threads sleep
    (spin=False) so pitch tracking does not take CPU from Whisper on small machines."""
    from swift_f0 import SwiftF0

    return SwiftF0(threads=1, spin=False)


def track_pitch(samples: np.ndarray, sample_rate: int = 16_000, offset_s: float = 0.0) -> PitchTrack:
    """Track F0 of ``samples`` (float32 mono, shape (n,)) every 16 ms.

    Returns a PitchTrack whose times are ``offset_s`` + frame centre (s); frames below the
    voicing confidence, or pinned to the edges of the 60-500 Hz band, are NaN.
    """
    y = np.asarray(samples, dtype=np.float32).reshape(-1)
    if len(y) == 0:
        empty = np.zeros(0)
        return PitchTrack(empty, empty)
    peak = float(np.max(np.abs(y)))
    if peak > 0:
        y = y * (LEVEL_PEAK / peak)
    result = _detector().detect(y, sample_rate, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ)
    voiced = (result.confidence >= VOICED_CONFIDENCE) & _inside_search(result.pitch_hz)
    f0 = np.where(voiced, result.pitch_hz, np.nan).astype(np.float64)
    return PitchTrack(result.timestamps + offset_s, f0)


def align_octave(track: PitchTrack, reference_hz: Optional[float], tolerance_st: float = 9.0) -> PitchTrack:
    """Move a whole utterance's track by octaves when its median sits more than
    ``tolerance_st`` from the speaker's reference median (Hz): on telephone audio, where
    the fundamental is filtered out, trackers can lock onto a harmonic for a whole
    utterance.  No real level change between utterances is an octave or more."""
    voiced = track.f0_hz[np.isfinite(track.f0_hz)]
    if reference_hz is None or len(voiced) < 5:
        return track
    offset = float(np.median(hz_to_semitones(voiced)) - hz_to_semitones(np.array([reference_hz]))[0])
    if abs(offset) <= tolerance_st:
        return track
    octaves = round(offset / 12.0) or (1 if offset > 0 else -1)
    return PitchTrack(track.times_s, track.f0_hz * 2.0 ** (-octaves))


def _inside_search(f0_hz: np.ndarray) -> np.ndarray:
    """True where an estimate is not pinned to the edges of the 60-500 Hz search range."""
    with np.errstate(invalid="ignore"):
        return (f0_hz > F0_MIN_HZ * EDGE_MARGIN) & (f0_hz < F0_MAX_HZ / EDGE_MARGIN)


@dataclass(frozen=True)
class PitchStats:
    """median_hz: median voiced F0 (Hz); range_st: 90th - 10th percentile (semitones);
    peak_hz: 90th percentile F0 (Hz), the top of the usual excursions;
    voiced_s: seconds of trusted voiced frames."""

    median_hz: Optional[float]
    range_st: Optional[float]
    voiced_s: float
    peak_hz: Optional[float] = None


def pitch_stats(f0_hz: np.ndarray, min_voiced_s: float = 0.25) -> PitchStats:
    """Robust statistics of voiced F0 values (Hz, 1-D, NaN-free).  Median/range are None
    when fewer than ``min_voiced_s`` of voiced frames are available."""
    voiced_s = len(f0_hz) * HOP_S
    if voiced_s < min_voiced_s:
        return PitchStats(None, None, voiced_s)
    semis = hz_to_semitones(f0_hz)
    p10, p50, p90 = np.percentile(semis, [10, 50, 90])
    return PitchStats(semitones_to_hz(p50), float(p90 - p10), voiced_s, semitones_to_hz(p90))
