"""One voice or two on a mono recording: the decision diarize takes before naming the agent.

    speech windows' GE2E embeddings, projected (analyzer.speakers: a 32-value LDA space in
    which one speaker's windows vary about equally in every direction) -> two clusters ->
    two voices when their centroids are far apart (cosine < ``clear_similarity``), or when
    they are closer (< ``close_similarity``) but the split stands out from chance
    (``contrast`` >= ``min_contrast``) and the two clusters' median pitches lie within
    ``max_pitch_gap_st`` (a wider gap with close voices is one voice in two moods: acted
    anger against sadness in EmoDB) unless the split is stronger than one voice's
    (``veto_below_contrast``); the smaller cluster must hold enough speech either way.

contrast: the between-cluster spread per window, in the projection's within-speaker units,
over what the best split of one voice's windows reaches by chance in k dimensions
(2/pi (1 + sqrt(k / n_eff))^2, n_eff = n / 2 since windows overlap by half): about 1 for
one voice, more for two.  Thresholds: ``benchmarks/bench_voice_count.py`` on the tuning half
of real recordings (diarize.json, ``voice_count/...``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .audio import SAMPLE_RATE


@dataclass(frozen=True)
class VoiceCountOptions:
    """Cosines are of the two clusters' unit centroids in the projection; pitch in
    semitones; min_share: the smaller cluster's share of the speech time, min_other_s: its
    seconds (both needed for two voices)."""

    clear_similarity: float = 0.38
    close_similarity: float = 0.85
    min_contrast: float = 2.1
    max_pitch_gap_st: float = 4.0
    veto_below_contrast: float = 3.4  # the pitch veto applies only to splits weaker than this
    min_share: float = 0.08
    min_other_s: float = 2.0


def chance_spread(n: int, k: int) -> float:
    """Expected between-cluster spread per window of the best 2-split of n windows of one
    voice with unit within-speaker variance in k dimensions (the Marchenko-Pastur edge of
    the sample covariance for n/2 independent windows, times 2/pi for a split at the mean)."""
    return (2 / np.pi) * (1 + np.sqrt(k / max(n / 2, 1.0))) ** 2


def voice_contrast(projected: np.ndarray, labels: np.ndarray) -> Optional[float]:
    """Between-cluster spread per window over its chance value (``chance_spread``) of
    projected (not unit) embeddings (n, k) split by ``labels`` (n,); None without two
    clusters."""
    if len(projected) < 3 or labels.min() == labels.max():
        return None
    mean = projected.mean(0)
    between = sum(np.sum(labels == c) * float(np.sum((projected[labels == c].mean(0) - mean) ** 2)) for c in (0, 1))
    return float(between / len(projected) / chance_spread(*projected.shape))


def window_pitch_st(samples: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray:
    """Median F0 (semitones) of each window's voiced frames, NaN with fewer than 5: (n,).
    Pitch is tracked only over the spans the windows cover (speech), not the whole call."""
    from .pitch import hz_to_semitones, track_pitch

    spans: list[list[int]] = []
    for a, b in sorted(windows):
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    times, f0 = [], []
    for a, b in spans:
        track = track_pitch(samples[a:b], offset_s=a / SAMPLE_RATE)
        times.append(track.times_s)
        f0.append(track.f0_hz)
    times_s = np.concatenate(times) if times else np.zeros(0)
    st = hz_to_semitones(np.concatenate(f0)) if f0 else np.zeros(0)
    out = np.full(len(windows), np.nan)
    for i, (a, b) in enumerate(windows):
        inside = (times_s >= a / SAMPLE_RATE) & (times_s < b / SAMPLE_RATE) & np.isfinite(st)
        if inside.sum() >= 5:
            out[i] = np.median(st[inside])
    return out


def pitch_gap_st(window_st: np.ndarray, labels: np.ndarray) -> Optional[float]:
    """Gap between the two clusters' median window pitches (semitones); None if a cluster
    has no voiced window."""
    voiced = np.isfinite(window_st)
    a, b = window_st[voiced & (labels == 0)], window_st[voiced & (labels == 1)]
    if not len(a) or not len(b):
        return None
    return float(abs(np.median(a) - np.median(b)))


def enough_speech(share_s: tuple[float, float], options: VoiceCountOptions) -> bool:
    return min(share_s) >= max(options.min_other_s, options.min_share * max(sum(share_s), 1e-9))


def two_voices(similarity: Optional[float], contrast: Optional[float], share_s: tuple[float, float],
               pitch_gap: Callable[[], Optional[float]], options: VoiceCountOptions = VoiceCountOptions()) -> tuple[bool, dict]:
    """(two voices?, evidence {"rule", "contrast", "pitch_gap_st"}); ``pitch_gap`` is called
    only when the voices are close (it tracks pitch)."""
    evidence = {"rule": None, "contrast": None if contrast is None else round(contrast, 2), "pitch_gap_st": None}
    if similarity is None or not enough_speech(share_s, options):
        return False, evidence
    if similarity < options.clear_similarity:
        return True, dict(evidence, rule="distinct_voices")
    if similarity >= options.close_similarity or contrast is None or contrast < options.min_contrast:
        return False, evidence
    if contrast >= options.veto_below_contrast:  # stronger than any one voice's split: no veto
        return True, dict(evidence, rule="close_voices_strong_contrast")
    gap = pitch_gap()
    evidence["pitch_gap_st"] = None if gap is None else round(gap, 2)
    if gap is not None and gap <= options.max_pitch_gap_st:
        return True, dict(evidence, rule="close_voices_alike_pitch")
    return False, dict(evidence, rule="one_voice_two_moods")
