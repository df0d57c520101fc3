"""Where the voice starts and stops, from the audio's frame energy (benchmarks/rate_study.py).

Measured, not adopted: at equal false-flag rates on real speech, rates timed from these
edges did not find more of the evaluation calls' rushed apologies than Whisper's word
times (README, Measured figures); kept for the study that shows it.

Whisper's word times are coarse: an utterance's first word often starts in the silence
before it and its last word is stretched into the silence after it, by 0.1-0.3 s.  On a
1.5 s apology that is a large fraction of the span, so a rate computed from word times
reads slow exactly where rushed delivery is short.  ``LevelTrack`` keeps a 10 ms energy
envelope of an utterance; ``voice_edges`` moves a span's edges (word times) to the nearest
voice onset / offset within a short search window, without crossing a pause.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzer.audio import frame_levels_db

FRAME_S = 0.01
SEARCH_S = 0.25  # how far an edge may move from the recogniser's word time
SPEECH_RANGE_DB = 30.0  # voice is within this of the utterance's loud frames ...
FLOOR_MARGIN_DB = 9.0  # ... and this far above its quietest frames (noise, the VAD's pad)


@dataclass(frozen=True)
class LevelTrack:
    """Frame energy of a stretch of audio.

    offset_s: time of the first frame's start (s); voiced: bool (n,), frames at speech level
    (FRAME_S each); level_db: float (n,), frame level (dBFS).
    """

    offset_s: float
    voiced: np.ndarray
    level_db: np.ndarray = None

    @classmethod
    def of(cls, samples: np.ndarray, sr: int = 16000, offset_s: float = 0.0) -> "LevelTrack":
        """The level track of ``samples`` (float, (n,), ``sr`` Hz) starting at ``offset_s``."""
        level = frame_levels_db(np.asarray(samples, dtype=np.float64), int(round(FRAME_S * sr)))
        if not len(level):
            return cls(offset_s, np.zeros(0, bool), level)
        threshold = max(np.percentile(level, 95) - SPEECH_RANGE_DB, np.percentile(level, 5) + FLOOR_MARGIN_DB)
        return cls(offset_s, level > threshold, level)

    def nuclei_between(self, start_s: float, end_s: float, dip_db: float = 2.0) -> int:
        """Syllable nuclei counted acoustically in [start_s, end_s): peaks of the smoothed
        level (50 ms) on voiced frames, each at least ``dip_db`` above the dip before it
        and 100 ms apart (after de Jong & Wempe 2009): a cross-check on the dictionary's
        syllable count that does not depend on the recognised words."""
        lo, hi = max(self._frame(start_s), 0), min(self._frame(end_s), len(self.voiced))
        if hi - lo < 3:
            return 0
        smooth = np.convolve(self.level_db, np.ones(5) / 5, mode="same")[lo:hi]
        voiced = self.voiced[lo:hi]
        count, last_peak, dip = 0, -10, smooth[0]
        for i in range(1, len(smooth) - 1):
            dip = min(dip, smooth[i])
            if smooth[i] >= smooth[i - 1] and smooth[i] > smooth[i + 1] and voiced[i]:
                if smooth[i] - dip >= dip_db and i - last_peak >= 10:
                    count, last_peak, dip = count + 1, i, smooth[i]
        return count

    def _frame(self, t: float) -> int:
        return int(np.floor((t - self.offset_s) / FRAME_S))

    def voice_edges(self, start_s: float, end_s: float) -> tuple[float, float]:
        """(start, end) s of the voice around the span [start_s, end_s] of word times.

        Each edge moves to the voice onset (offset) nearest it: outward while the frames
        at the edge are voiced, inward past silence, at most SEARCH_S either way, and never
        so far inward that the span shrinks to under half its length.  Without voiced
        frames near an edge it is left where it was.
        """
        n = len(self.voiced)
        reach = int(round(SEARCH_S / FRAME_S))
        lo, hi = self._frame(start_s), self._frame(end_s) - 1
        if n == 0 or hi < 0 or lo >= n or hi <= lo:
            return start_s, end_s
        limit = max(2, (hi - lo) // 4)  # inward moves stop at a quarter of the span each side
        new_lo = _onset(self.voiced, lo, reach, min(reach, limit))
        new_hi = _offset(self.voiced, hi, reach, min(reach, limit))
        start = self.offset_s + new_lo * FRAME_S if new_lo is not None else start_s
        end = self.offset_s + (new_hi + 1) * FRAME_S if new_hi is not None else end_s
        return (start, end) if end > start else (start_s, end_s)


def _onset(voiced: np.ndarray, i: int, out: int, inward: int):
    """Index of the voice onset nearest frame i: back while voiced, else forward to voice."""
    n = len(voiced)
    i = min(max(i, 0), n - 1)
    if voiced[i]:
        j = i
        while j > 0 and i - j < out and voiced[j - 1]:
            j -= 1
        return j
    for j in range(i + 1, min(n, i + inward + 1)):
        if voiced[j]:
            return j
    return None


def _offset(voiced: np.ndarray, i: int, out: int, inward: int):
    """Index of the last voiced frame nearest frame i: forward while voiced, else back."""
    n = len(voiced)
    i = min(max(i, 0), n - 1)
    if voiced[i]:
        j = i
        while j < n - 1 and j - i < out and voiced[j + 1]:
            j += 1
        return j
    for j in range(i - 1, max(-1, i - inward - 1), -1):
        if voiced[j]:
            return j
    return None
