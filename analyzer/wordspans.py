"""Stretches of recognised words: sentences, durations, pauses (times in s)."""

from __future__ import annotations

import re
from typing import Sequence

from .events import Word

_SENTENCE_END = re.compile(r"[.!?]$")


def split_sentences(words: Sequence[Word], max_pause_s: float) -> list[tuple[int, int]]:
    """Sentence boundaries as [start, end) word indices, from punctuation and pauses."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, word in enumerate(words):
        is_last = i == len(words) - 1
        pause_after = (words[i + 1].start - word.end) if not is_last else 0.0
        if is_last or _SENTENCE_END.search(word.text.strip()) or pause_after >= max_pause_s:
            spans.append((start, i + 1))
            start = i + 1
    return spans


def speech_duration(words: Sequence[Word]) -> float:
    """First word start to last word end (s), pauses included."""
    return max(0.0, words[-1].end - words[0].start) if words else 0.0


def pause_time(words: Sequence[Word], min_pause_s: float) -> float:
    """Total silence (s) of inter-word gaps of at least ``min_pause_s``."""
    gaps = (b.start - a.end for a, b in zip(words, words[1:]))
    return sum(g for g in gaps if g >= min_pause_s)
