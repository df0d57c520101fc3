"""Far-end bleed on the agent's own microphone: drop utterances far quieter than the agent.

A headset leaks the caller's voice into the agent's microphone some 20-40 dB below the
agent's own speech; Silero and Whisper still hear it (bench_diarize --bleed: at -20 dB all
16 customer apologies of the synthetic calls were reported as the agent's).  The gate
compares each utterance's active level (95th percentile of its 10 ms levels, dBFS) with
the agent's level (the 80th percentile of the last ``history`` utterances' levels: the
agent is the louder voice on their own microphone) and drops those more than ``gate_db``
below.  The agent's own utterances vary by a few dB (a soft "sorry" included); bleed sits
far lower.  Until ``min_history`` utterances have been heard nothing is dropped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .audio import SAMPLE_RATE, frame_levels_db


@dataclass(frozen=True)
class BleedOptions:
    """gate_db: utterances this many dB below the agent's level are far-end bleed;
    history: utterances remembered for the agent's level; min_history: gate off before."""

    gate_db: float = 14.0
    history: int = 30
    min_history: int = 3


def active_level_db(samples: np.ndarray) -> float:
    """95th percentile of the 10 ms RMS levels of a stretch of 16 kHz audio, dBFS."""
    levels = frame_levels_db(np.asarray(samples, dtype=np.float64), SAMPLE_RATE // 100)
    return float(np.percentile(levels, 95)) if len(levels) else -120.0


class BleedGate:
    """``keep(samples)``: False for an utterance that is far-end bleed; counts what it drops."""

    def __init__(self, options: BleedOptions = BleedOptions()):
        self.options = options
        self._levels: deque[float] = deque(maxlen=options.history)
        self.dropped = 0
        self.dropped_s = 0.0

    @property
    def agent_level_db(self) -> float | None:
        if len(self._levels) < self.options.min_history:
            return None
        return float(np.percentile(np.asarray(self._levels), 80))

    def keep(self, samples: np.ndarray) -> bool:
        level = active_level_db(samples)
        reference = self.agent_level_db
        self._levels.append(level)
        if reference is not None and level < reference - self.options.gate_db:
            self.dropped += 1
            self.dropped_s += len(samples) / SAMPLE_RATE
            return False
        return True
