"""Phrase matching: the phrase book compiled into spaCy Matchers over a normalised Doc."""

from __future__ import annotations

import re

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .normalise import Normaliser
from .phrasebook import SECTIONS, PhraseBook

_SENTENCE_GAP_WORDS = 5  # "..." in a phrase: up to this many words


class CompiledPhrases:
    """Finds the phrases of each section (minus its exceptions) in a normalised Doc.

    Phrase syntax (see the phrase file): plain words match by lemma, ``=word`` by exact
    form, ``*`` any word, ``...`` up to five words, ``{set}`` / ``{set?}`` a word of a
    named set.  No phrase spans two sentences.
    """

    def __init__(self, book: PhraseBook, normaliser: Normaliser):
        self._norm = normaliser
        self._sets = {name: self._set_lemmas(members) for name, members in book.sets.items()}
        self._matchers: dict[str, Matcher] = {}
        self.vocabulary: set[str] = set()
        for section in SECTIONS:
            for part, phrases in (("phrases", book.phrases[section]),
                                  ("exceptions", book.exceptions[section])):
                matcher = Matcher(normaliser.vocab)
                for i, phrase in enumerate(phrases):
                    matcher.add(f"{section}.{part}.{i}", [self._pattern(phrase)])
                self._matchers[f"{section}.{part}"] = matcher

    def set_lemmas(self, name: str) -> list[str]:
        """Lemmas of the phrase book's set ``name`` ([] when there is none)."""
        return list(self._sets.get(name, []))

    def find(self, doc: Doc, section: str) -> list[Span]:
        """Matches in order, overlapping ones merged ("just a" + "small glitch"), minus
        those an exception overlaps."""
        excluded = self._run(f"{section}.exceptions", doc)
        found = [s for s in self._run(f"{section}.phrases", doc)
                 if not any(s.start < e.end and e.start < s.end for e in excluded)]
        merged: list[Span] = []
        for span in sorted(found, key=lambda s: (s.start, s.end)):
            if merged and span.start < merged[-1].end:
                last = merged.pop()
                span = doc[last.start:max(last.end, span.end)]
            merged.append(span)
        return merged

    def _run(self, key: str, doc: Doc) -> list[Span]:
        matcher = self._matchers[key]
        return matcher(doc, as_spans=True) if len(matcher) else []

    def _set_lemmas(self, members: list[str]) -> list[str]:
        lemmas = []
        for member in members:
            tokens = self._norm.text(member, clean=False)
            if len(tokens) != 1:
                raise ValueError(f"set member {member!r} must be a single word")
            lemmas.append(tokens[0].lemma)
        return lemmas

    def _pattern(self, phrase: str) -> list[dict]:
        pattern: list[dict] = []
        run: list[str] = []  # plain words, normalised together ("how 'bout")
        for chunk in phrase.split() + [None]:
            if chunk is not None and not _is_special(chunk):
                run.append(chunk)
                continue
            pattern += self._plain(" ".join(run))
            run = []
            if chunk is not None:
                pattern.append(self._special(chunk, phrase))
        if not pattern:
            raise ValueError(f"phrase {phrase!r} is empty after normalisation")
        for spec in pattern[1:]:
            spec["IS_SENT_START"] = False
        return pattern

    def _plain(self, text: str) -> list[dict]:
        tokens = self._norm.text(text, clean=False) if text else []
        self.vocabulary.update(t.norm for t in tokens)
        self.vocabulary.update(t.lemma for t in tokens)
        return [{"LEMMA": t.lemma} for t in tokens]

    def _special(self, chunk: str, phrase: str) -> dict:
        if chunk == "*":
            return {}
        if chunk == "...":
            return {"OP": f"{{0,{_SENTENCE_GAP_WORDS}}}"}
        if chunk.startswith("="):
            tokens = self._norm.text(chunk[1:], clean=False)
            if len(tokens) != 1:
                raise ValueError(f"{chunk!r} in {phrase!r} must be a single word")
            self.vocabulary.add(tokens[0].norm)
            return {"NORM": tokens[0].norm}
        name, optional = chunk[1:-1].rstrip("?"), chunk.endswith("?}")
        if name not in self._sets:
            raise ValueError(f"unknown set {{{name}}} in phrase {phrase!r}")
        spec: dict = {"LEMMA": {"IN": self._sets[name]}}
        if optional:
            spec["OP"] = "?"
        return spec


def _is_special(chunk: str) -> bool:
    return chunk in ("*", "...") or chunk.startswith("=") or bool(re.fullmatch(r"\{\w+\??\}", chunk))

