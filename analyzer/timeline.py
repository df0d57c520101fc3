"""The report's ``timeline`` block: what a reader needs to draw the call over time.

Additive to ``sincerity.report/1`` and only present when asked for
(``AnalyzeOptions(timeline=True)``, which the batch's HTML reports use), so plain
``--json`` reports are unchanged.  Everything drawn is computed here, in the engine; the
HTML face only maps these numbers to pixels.

    timeline = {
      "speech": [[start_s, end_s], ...],             # voice-activity utterances
      "utterances": [{start, end, speaking_rate_sps, rate_vs_baseline, pitch_shift_st, pace}],
      "pitch": {"step_s": 0.05, "start_s": t0, "reference_hz": f,
                "st": [semitones vs reference_hz, or null where unvoiced, one per step]},
      "baseline": {"pitch_median_hz", "pitch_band_st": [lo, hi], "peak_st",
                   "speaking_rate_sps", "rushed_rate_ratio", "brisk_rate_ratio"},
    }

Size: one value per 50 ms of call, ~5-6 characters each: about 70 KB for a 10-minute call.
"""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from .config import Thresholds
from .events import Baseline, Event, RunningMeasures, SpeechSegment
from .pitch import PitchTrack, hz_to_semitones

STEP_S = 0.05  # pitch contour resolution: finer than a syllable, coarse enough to stay small


class PitchContour:
    """Median voiced F0 per ``step_s`` cell over the whole call, from utterance tracks
    (feed it as ``Pipeline.on_pitch``).  Memory: one float per voiced cell."""

    def __init__(self, step_s: float = STEP_S):
        self.step_s = step_s
        self._cells: dict[int, float] = {}

    def __call__(self, track: PitchTrack) -> None:
        voiced = np.isfinite(track.f0_hz)
        if not voiced.any():
            return
        cells = np.floor(track.times_s[voiced] / self.step_s).astype(np.int64)
        f0 = track.f0_hz[voiced]
        for cell in np.unique(cells):
            self._cells[int(cell)] = float(np.median(f0[cells == cell]))

    def semitones(self, reference_hz: float) -> tuple[float, list[Optional[float]]]:
        """(start_s, values): semitones vs ``reference_hz`` per cell from the first voiced
        cell to the last, None where unvoiced."""
        if not self._cells:
            return 0.0, []
        first, last = min(self._cells), max(self._cells)
        ref = float(hz_to_semitones(np.array([reference_hz]))[0])
        values: list[Optional[float]] = [None] * (last - first + 1)
        for cell, hz in self._cells.items():
            values[cell - first] = round(float(hz_to_semitones(np.array([hz]))[0]) - ref, 1)
        return first * self.step_s, values

    def median_hz(self) -> Optional[float]:
        return float(np.median(list(self._cells.values()))) if self._cells else None


def build_timeline(events: Iterable[Event], contour: PitchContour, baseline: Baseline, thresholds: Thresholds) -> dict:
    """The timeline block (see module docstring) of one analysed call."""
    speech, utterances = [], []
    for e in events:
        if isinstance(e, SpeechSegment):
            speech.append([e.start, e.end])
        elif isinstance(e, RunningMeasures):
            utterances.append(
                {
                    "start": e.start,
                    "end": e.end,
                    "speaking_rate_sps": e.speaking_rate_sps,
                    "rate_vs_baseline": e.rate_vs_baseline,
                    "pitch_shift_st": e.pitch_shift_st,
                    "pace": e.pace,
                }
            )
    reference_hz = baseline.pitch_median_hz or contour.median_hz()
    start_s, values = contour.semitones(reference_hz) if reference_hz else (0.0, [])
    half_range = baseline.pitch_range_st / 2.0
    peak_st = None
    if baseline.pitch_peak_hz and reference_hz:
        peak_st = float(hz_to_semitones(np.array([baseline.pitch_peak_hz]))[0] - hz_to_semitones(np.array([reference_hz]))[0])
    return {
        "speech": speech,
        "utterances": utterances,
        "pitch": {"step_s": contour.step_s, "start_s": start_s, "reference_hz": reference_hz, "st": values},
        "baseline": {
            "pitch_median_hz": baseline.pitch_median_hz,
            "pitch_source": baseline.pitch_source,
            "pitch_band_st": [-half_range, half_range],
            "peak_st": peak_st,
            "speaking_rate_sps": baseline.speaking_rate_sps,
            "rate_source": baseline.rate_source,
            "rushed_rate_ratio": thresholds.rushed.min_rate_ratio,
            "brisk_rate_ratio": thresholds.pace.brisk_ratio,
        },
    }
