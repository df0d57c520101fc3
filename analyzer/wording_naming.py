"""Does an apology say what went wrong?  The naming half of the ``no_empathy`` check
(analyzer/language.py): service-recovery training counts naming the customer's problem
("sorry the engineer didn't show") as acknowledging it, and a bare or canned apology
("sorry for the trouble", "we apologise for any inconvenience") as not.

An apology names the problem when, up to any qualifier, outside any canned formula and
before any turn to action, it holds a content word that is neither a stop word nor one of
the words that say *that* something went wrong without saying *what* (``sets.unnamed``:
apology words, interjections, address terms, owning and erring words, formula nouns,
intensifiers, generic problem nouns); or the words around it tell of a setback or state
the customer's case.  A canned apology names it only by a setback word outside its formula
("we apologise for the delay"): its negations ("did not meet your expectations") and its
acknowledgement shapes ("sorry to hear about your experience") are part of the formula.
"""

from __future__ import annotations

from spacy.tokens import Span

from .phrasebook import PhraseBook
from .phrasematch import CompiledPhrases
from .wording_transcript import Transcript

# Content words a sentence before the apology needs to state the customer's case (one
# is often a stray noun: "Your complaint reference ...").
CASE_MIN_CONTENT = 2
# Setback words that are negations: in a canned formula they are the formula's own
# ("your stay was not up to our usual standard").
NEGATIONS = ("not", "without", "nobody", "nothing", "never")


class ProblemNaming:
    """Whether an apology, or the words around it, say what went wrong."""

    def __init__(self, phrases: CompiledPhrases, book: PhraseBook, stop_words, same_turn_pause_s: float):
        def word_set(name: str) -> set[str]:
            return set(phrases.set_lemmas(name)) | set(book.sets.get(name, []))

        self._phrases = phrases
        self._stop_words = stop_words
        self._same_turn_pause_s = same_turn_pause_s
        self._setback = word_set("setback")
        self._size = word_set("small") | {"bit", "touch", "spot"}
        self._generic_problem = word_set("problem")
        self._handling = word_set("handling")
        # say that something went wrong, or how much, not what ("the delay" is a setback)
        self._unnamed = (word_set("unnamed") | (self._generic_problem - self._setback)
                         | word_set("intensifier") | word_set("mate")
                         | set(book.sets.get("erring", [])))  # word forms: "messed", not "mess"
        self._apology_words = word_set("apology") | {"forgive", "pardon", "excuse"}

    def qualifier_start(self, tr: Transcript) -> int:
        """Token where a qualifier in the apology starts ("sorry, but you ..."; a
        conditional "sorry if ..." from its apology word on); the apology end if none."""
        span = tr.apology_tokens
        for match in self._phrases.find(tr.doc, "qualified"):
            if span.start <= match.start < span.stop:
                return match.start
        return span.stop

    def scripted(self, tr: Transcript) -> list[Span]:
        """Canned formulas said in the apology."""
        span = tr.apology_tokens
        return [m for m in self._phrases.find(tr.doc, "scripted") if span.start <= m.start < span.stop]

    def formula_acknowledgement(self, tr: Transcript, marker: Span) -> bool:
        """An acknowledgement marker that is part of a canned apology: in an apology holding
        a formula, one opened by the apology word ("we're sorry to hear about your
        experience", "we regret that your cruise ...") or said inside an "any ..." object
        ("any hassle this might have put you through")."""
        span = tr.apology_tokens
        if not (span.start <= marker.start < span.stop) or not self.scripted(tr):
            return False
        if tr.doc[marker.start].lemma_ in self._apology_words or tr.doc[marker.start].norm_ in self._apology_words:
            return True
        return any(tr.doc[i].norm_ == "any" for i in range(span.start + 1, marker.start))

    def names_problem(self, tr: Transcript, before: range) -> bool:
        """The apology says what went wrong ("sorry the engineer didn't show", "oops, wrong
        size went out", even "it's only one missing grade"), or the words ``before`` it
        tell of a setback.  Blame after a qualifier, canned formulas and what the agent
        will do about it name nothing."""
        span = tr.apology_tokens
        if self._tells_case(tr, before):
            return True  # "So the parcel is still in transit." then any apology
        stop = self.qualifier_start(tr)
        formulas = self.scripted(tr)
        # what the apology plays down it still names ("sorry, it's only a bit of dust"),
        # and what follows a turn to action only by a setback word ("I'll refund the late fee")
        played_down, cut = set(), stop
        for m in self._phrases.find(tr.doc, "minimizing"):
            if m.start > span.start:  # what follows "it's only" / "at least" names it only ...
                cut = min(cut, m.start)
            played_down.update(range(m.start, m.end))
        for m in self._phrases.find(tr.doc, "action"):
            if span.start < m.start < span.stop:
                cut = min(cut, m.start)
                played_down.update(range(m.start, m.end))
        owning = {i for m in self._phrases.find(tr.doc, "casual") for i in range(m.start, m.end)}
        in_formula = {i for m in formulas for i in range(m.start, m.end)}
        content = 0
        for i in range(span.start, stop):
            tok = tr.doc[i]
            if self._any_formula(tr, i):
                break  # "we regret any disruption to your travel plans" names nothing
            if i in owning or not tok.is_alpha or len(tok.text) <= 2 or tok.norm_ in self._stop_words \
                    or tok.lemma_ in self._unnamed or tok.norm_ in self._unnamed:
                continue
            if formulas:  # a canned apology names the problem only by a specific setback word
                content += (i not in in_formula and i not in played_down and self._is_setback(tok)
                            and tok.norm_ not in NEGATIONS and tok.lemma_ not in self._generic_problem)
            elif i < cut and i not in played_down:
                content += 1
            elif self._named_played_down(tr, i):
                content += 1
        if content >= 1:
            return True
        return self._tells_setback(tr, before, played_down) or self._tells_setback(tr, self._said_next(tr), played_down)

    def _is_setback(self, tok) -> bool:
        return tok.lemma_ in self._setback or tok.norm_ in self._setback

    def _named_played_down(self, tr: Transcript, i: int) -> bool:
        """Token ``i``, said while the problem is played down, still names it: a setback
        word ("it's only a day late", "one missing grade", "the small delay") or the noun a
        size word shrinks ("a tiny scuff", "a bit of dust"); not a generic "glitch"."""
        tok = tr.doc[i]
        if self._is_setback(tok):
            return True
        j = i - 1
        while j > tr.apology_tokens.start and tr.doc[j].norm_ in ("of", "a", "an"):
            j -= 1
        size = tr.doc[j].lemma_ in self._size or tr.doc[j].norm_ in self._size  # "bit" lemmatises as "bite"
        return size and tok.lemma_ not in self._generic_problem

    def _any_formula(self, tr: Transcript, i: int) -> bool:
        """Token ``i`` opens a generic "any ..." object ("for any inconvenience", "regret
        any disruption"): what follows is a formula, not what went wrong."""
        return tr.doc[i].norm_ == "any" and i > tr.apology_tokens.start

    def _tells_case(self, tr: Transcript, tokens: range) -> bool:
        """A sentence before the apology states the customer's case in its own words ("So
        the parcel is still showing as in transit."): at least ``CASE_MIN_CONTENT`` content
        words that are not call handling ("Thank you for holding.", "Your reference ends
        four two seven.", "Right, let me just pull that up.")."""
        if not len(tokens):
            return False
        sentence, count = None, 0
        for i in tokens:
            tok = tr.doc[i]
            if tok.sent.start != sentence:
                sentence, count = tok.sent.start, 0
            if tok.is_alpha and len(tok.text) > 2 and tok.norm_ not in self._stop_words \
                    and not ({tok.lemma_, tok.norm_} & (self._handling | self._unnamed)) and not tok.like_num:
                count += 1
                if count >= CASE_MIN_CONTENT:
                    return True
        return False

    def _tells_setback(self, tr: Transcript, tokens: range, played_down: set[int]) -> bool:
        """A setback word among ``tokens`` ("Don't worry." plays down, it tells of nothing)."""
        return any(i not in played_down and self._is_setback(tr.doc[i]) for i in tokens)

    def _said_next(self, tr: Transcript) -> range:
        """The sentence said straight after the apology when it is no turn to action:
        recognition splits "My bad, that's a double charge" into two sentences."""
        start = tr.apology_tokens.stop
        if start >= len(tr.doc) or tr.pause_before(start) > self._same_turn_pause_s:
            return range(0)
        stop = next((i for i in range(start + 1, len(tr.doc)) if tr.doc[i].is_sent_start), len(tr.doc))
        if any(start <= a.start < stop for a in self._phrases.find(tr.doc, "action")):
            return range(0)
        return range(start, stop)
