"""Who greets: the agent of a two-voice call named by the words of each voice's first turn.

An agent opens with a call-centre greeting ("thank you for calling ...", "how can I help");
a customer's "Hello?" does not.  Each voice's first turn of >= 1 s (up to 8 s of it) is
transcribed in one packed Whisper call (~0.5 s); when exactly one voice greets, it is the
agent.  Otherwise (neither or both greet) the caller falls back to the first speaker.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

import numpy as np

from .audio import SAMPLE_RATE

GREETINGS = (
    "thank you for calling",
    "thanks for calling",
    "thank you for contacting",
    "how can i help",
    "how may i help",
    "how can i assist",
    "how may i assist",
    "you're through to",
    "you are through to",
    "welcome to",
)
MIN_TURN_S = 1.0
MAX_TURN_S = 8.0


def greeting_in(text: str) -> Optional[str]:
    """The greeting phrase ``text`` contains (lower-cased, punctuation dropped), or None."""
    plain = " " + re.sub(r"[^a-z' ]+", " ", text.lower()) + " "
    plain = re.sub(r"\s+", " ", plain)
    return next((g for g in GREETINGS if f" {g} " in plain), None)


def make_greeter(samples: np.ndarray, transcriber) -> Callable[[list[tuple]], Optional[tuple[int, str]]]:
    """A function of the call's turns [(start_s, end_s, cluster)] -> (the greeting voice's
    cluster, its phrase) or None; ``samples``: the call, 16 kHz float32 (n,)."""
    from .transcribe import transcribe_packed

    def greeter(turns: list[tuple]) -> Optional[tuple[int, str]]:
        first: dict[int, tuple[float, float]] = {}
        for a, b, k in turns:
            if b - a >= MIN_TURN_S and k not in first:
                first[k] = (a, min(b, a + MAX_TURN_S))
        if len(first) < 2:
            return None
        clusters = sorted(first, key=lambda k: first[k][0])  # packed in time order
        clips = [(first[k][0], samples[int(first[k][0] * SAMPLE_RATE) : int(first[k][1] * SAMPLE_RATE)]) for k in clusters]
        heard = transcribe_packed(transcriber, clips)
        greets = {k: g for k, words in zip(clusters, heard) if (g := greeting_in(" ".join(w.text for w in words)))}
        return next(iter(greets.items())) if len(greets) == 1 else None

    return greeter
