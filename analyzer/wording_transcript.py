"""The words of one apology and its surroundings as the wording judge reads them
(analyzer/language.py): one normalised spaCy Doc with each token's recognised word, so
checks work on tokens and reasons quote the words as heard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc

from .events import Word

QUOTE_MAX_WORDS = 14  # a reason quotes at most this many words


@dataclass
class Transcript:
    """Before + apology + after as one normalised spaCy Doc, with each token's word."""

    doc: Doc
    words: list[Word]
    token_word: list[int]
    apology_tokens: range
    apology_start: float
    apology_end: float

    def start(self, i: int) -> float:
        return self.words[self.token_word[i]].start

    def end(self, i: int) -> float:
        return self.words[self.token_word[i]].end

    def pause_before(self, i: int) -> float:
        return self.start(i) - self.end(i - 1) if i > 0 else 0.0

    def quote(self, start: int, end: int) -> str:
        """The recognised words behind tokens [start, end), as heard."""
        first, last = self.token_word[start], self.token_word[end - 1]
        words = self.words[first:last + 1]
        if len(words) > QUOTE_MAX_WORDS:
            return clean_quote(words[:QUOTE_MAX_WORDS]) + " ..."
        return clean_quote(words)

    def apology_quote(self) -> str:
        span = self.apology_tokens
        return self.quote(span.start, span.stop) if len(span) else ""


def clean_quote(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip().strip(",.;:!?-").strip()
