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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from spacy.tokens import Doc, Span

from .events import Flag, Word
from .normalise import Normaliser, Token
from .phrasebook import PhraseBook, phrase_file
from .phrasematch import CompiledPhrases
from .wording_naming import ProblemNaming
from .wording_transcript import Transcript as _Transcript, clean_quote as _clean_quote

LANGUAGE_KINDS = ("qualified", "minimizing", "casual", "scripted", "no_empathy", "no_action")


@dataclass
class LanguageOptions:
    """How the wording is judged.

    language: phrase file ``analyzer/phrases/<language>.toml`` and spaCy language code.
    extra_phrase_files: company phrase files merged into the language's lists.
    empathy_window_s: seconds before the apology start searched for an acknowledgement
        of the customer's situation or feeling.
    empathy_after_s: seconds after the apology end searched too (0: the acknowledgement
        belongs before or in the apology, as service-recovery training has it).
    action_window_s: seconds after the apology end searched for a turn to action.
    near_window_s: seconds either side of the apology searched for minimizing, casual
        and scripted wording ("Oops! Sorry." puts the trigger just before).
    breath_pause_s: a pause at least this long ends the "same breath" for qualifiers.
    same_turn_pause_s: a sentence starting within this pause after the apology may say
        what went wrong for it (when it is no turn to action).
    qualifier_max_words: a qualifier further than this many words after the apology
        word no longer undercuts it.
    model: also ask the text model (analyzer.textmodel) when it is installed: it adds a
        qualified / minimizing / casual / scripted flag the phrase lists missed when its
        head's score reaches the head's threshold (a head that was not precise enough on
        its own is off), and never removes those; its no_empathy / no_action heads read
        the apology with the words before / after it, add the flag at their threshold and
        clear the rules' flag below their ``clear_below`` score.
    """

    language: str = "en"
    extra_phrase_files: tuple[Path, ...] = ()
    empathy_window_s: float = 6.0
    empathy_after_s: float = 3.0
    action_window_s: float = 8.0
    near_window_s: float = 3.0
    breath_pause_s: float = 1.0
    same_turn_pause_s: float = 0.5
    qualifier_max_words: int = 15
    model: bool = True


# Flags the model may add: those found in the apology's own words.
_MODEL_ADDS = ("qualified", "minimizing", "casual", "scripted")
# The context heads also read the words around the apology (textmodel.INPUTS): they add
# the flag when sure it applies and clear the rule's when sure it does not.
_MODEL_CLEARS = ("no_empathy", "no_action")
# What each model head's score means, for the flag reason.
_MODEL_LABELS = {"qualified": "qualified apology", "minimizing": "minimizing wording",
                 "casual": "casual register", "scripted": "canned formula",
                 "no_empathy": "no acknowledgement of the customer's situation",
                 "no_action": "no turn to action"}


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


# ---------------------------------------------------------------------------- judge


class WordingJudge:
    """Flags the wording of apologies (category "language")."""

    def __init__(self, options: Optional[LanguageOptions] = None):
        self.options = options = options or LanguageOptions()
        self.book = PhraseBook.load(options.language, options.extra_phrase_files)
        self.normaliser = Normaliser(options.language, self.book)
        self._phrases = CompiledPhrases(self.book, self.normaliser)
        self.normaliser.set_fuzzy_vocabulary(self._phrases.vocabulary)
        self._naming = ProblemNaming(self._phrases, self.book, self.normaliser.stop_words, options.same_turn_pause_s)
        self._apology_words = set(self._phrases.set_lemmas("apology")) | {"forgive", "pardon", "excuse"}
        self.model, self.model_warning = None, None
        if options.model:
            try:
                from .textmodel import WordingModel

                self.model = WordingModel()
            except Exception as exc:  # not installed or not verified: rules alone, say so
                self.model_warning = f"wording model off: {str(exc).splitlines()[0]}"

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
            self._found(tr, "casual", "is too offhand for an apology") or self._keyword_free(tr),
            self._found(tr, "scripted", "is a canned formula that names nothing specific"),
            self._no_empathy(tr),
            self._no_action(tr, actions),
        )
        flags = [flag for flag in checks if flag is not None]
        return self._with_model(tr, flags) if self.model is not None else flags

    def _with_model(self, tr: _Transcript, flags: list[Flag]) -> list[Flag]:
        """Rules kept where they fired; confident model heads add what they missed.  The
        context heads (no_empathy, no_action) also read the words around the apology and
        clear the rule's flag when they are confident the acknowledgement or the turn to
        action is there in other words (score below the head's ``clear_below``)."""
        o = self.options
        apology = _clean_quote([w for w in tr.words if tr.apology_start <= w.start and w.end <= tr.apology_end])
        before = _clean_quote([w for w in tr.words if tr.apology_start - o.empathy_window_s <= w.start
                               and w.end <= tr.apology_start])
        after = _clean_quote([w for w in tr.words if tr.apology_end <= w.start <= tr.apology_end + o.action_window_s])
        scores = self.model.scores(apology, before, after)
        by_kind = {f.kind: f for f in flags}
        out = []
        for kind in LANGUAGE_KINDS:
            p, threshold = scores.get(kind), self.model.thresholds.get(kind, 0.5)
            rule = by_kind.get(kind)
            if p is None:
                if rule is not None:
                    out.append(rule)
                continue
            if rule is not None:
                if kind not in _MODEL_CLEARS or p >= self.model.clear_below.get(kind, 0.0):
                    out.append(rule)
            elif threshold < 1.0 and p >= threshold:
                out.append(Flag(kind=kind, category="language", value=round(p, 3), threshold=threshold,
                                reason=f'{kind}: model: {_MODEL_LABELS[kind]} (score {p:.2f}) in "{apology}"'))
        return out

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

    def _keyword_free(self, tr: _Transcript) -> Optional[Flag]:
        """Owning up without apologising ("Our mistake, ...", "That's on me") is offhand."""
        span = tr.apology_tokens
        if any(tr.doc[i].lemma_ in self._apology_words for i in span):
            return None
        return _flag("casual", f'"{tr.apology_quote()}" owns the mistake without an apology word')

    def _no_empathy(self, tr: _Transcript) -> Optional[Flag]:
        window = self.options.empathy_window_s
        found = self._in(self._phrases.find(tr.doc, "empathy"), self._near(tr, window, self.options.empathy_after_s))
        blame = self._naming.qualifier_start(tr)
        # "sorry, but you should have told us you were moving" acknowledges nothing, nor
        # does a canned "we're sorry to hear about your experience"
        if [m for m in found if not blame <= m.start < tr.apology_tokens.stop
                and not self._naming.formula_acknowledgement(tr, m)]:
            return None
        before = range(self._near(tr, window, 0.0).start, tr.apology_tokens.start)
        if self._naming.names_problem(tr, before):
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
