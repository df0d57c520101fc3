"""Finding apologies in the recognised word stream.

What counts as an apology (see README "What counts as an apology"):
- "sorry" (also "so sorry", "I'm sorry to hear that"), any form of "apologize/apologise",
  "apology/apologies" ("my apologies"), "I/we regret", "forgive me/us", "pardon/excuse/
  forgive the/my/our ..." ("pardon the wait", "excuse the noise", "forgive the delay"),
  "excuse me/us for ...";
- but not a request to repeat: "Sorry?", "Pardon?", "Sorry, could you repeat that?",
  "sorry, what was that?", "I beg your pardon?", "Excuse me?", "Sorry, I missed the last
  digit", "Sorry. Could you read that one more time?".  An apology with its object ("Pardon the
  wait?", "Sorry for the delay?") stays an apology when Whisper punctuates it as a question;
- tiny.en writes a sentence-opening "Pardon the ..." as "Part in the ...", "Hard in the
  ..." or "Parton the ...": those sound-alikes count, only at a sentence start and before
  the/my/our; and any word with "polog" in it ("repologues" for "apologies") counts.
- owning a mistake without a keyword counts: "my/our bad", "our mistake", "oops",
  "whoops", "that's on me", "dropped the ball", slang such as "soz", "brain fade",
  "butterfingers" (``_keyword_free_at``);
- but not breaking in ("sorry to interrupt"), a question opened by "Sorry," that names no
  object (clarifying), someone else's apology reported ("he said sorry"), sympathy for
  what the company did not cause ("sorry for your loss", "sorry to hear you had a fall")
  or an idiom ("better safe than sorry").

An apology's span is its sentence: words up to the previous sentence end (. ! ?), a
pause of ``max_pause_s``, or the utterance start, through the next sentence end or pause.
Very long sentences are narrowed to the clause (commas, semicolons) around the keyword.
A bare "Sorry." ending an utterance waits for the next one (``awaits_next``): when that
opens with a repeat request (a repeat cue or a short wh-question, ``_asks_again``), the
"Sorry." was part of it; a yes/no question ("Is that everything for today?") is not one.
Several keywords in one sentence make one apology, and so do consecutive apology
sentences said without a pause ("Sorry about that. I apologize for the trouble.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from .events import ApologyEvent, Word
from .wordspans import split_sentences

_CLAUSE_END = re.compile(r"[,;:]$")
_TOKEN = re.compile(r"[a-z']+")
# An apology naming what it is for is not a repeat request, whatever the punctuation.
_APOLOGY_WITH_OBJECT = re.compile(
    r"\b(?:(?:pardon|excuse|forgive) (?:the|my|our)|sorry (?:for|about)|apologi[sz]e for|apologies for|(?:forgive|excuse) (?:me|us) for)\b"
)
_PARDON_OBJECTS = ("the", "my", "our")
# A sentence this short ("Sorry.", "I'm so sorry.") may be the opening of a repeat request
# in the sentence or utterance after it.
BARE_KEYWORD_TOKENS = 3
# tiny.en's broken forms of "apologies" ("repologues"); not topology, typology, anthropology.
_BROKEN_APOLOGY = re.compile(r"(?<![oy])polog")
_PARDON_SOUNDALIKES = ("parton", "partin", "pardin", "pardun")
_OOPS = ("oops", "whoops", "woops", "oopsie", "whoopsie", "oopsy", "whoopsy", "oopsies")
# Slang owning-up forms ("soz", "apols", "butterfingers", "brain fade", "boo-boo", "Janey Mac").
_SLANG_SORRY = ("soz", "sozzles", "apols", "butterfingers", "boo-boo", "booboo")
_SLANG_PAIRS = {("brain", "fade"), ("brain", "fart"), ("boo", "boo"), ("janey", "mac"), ("jaysus", "sorry")}
_OWNED = ("bad", "mistake", "fault", "error", "blunder", "oversight", "screw-up", "slip-up", "goof",
          "goof-up", "cock-up", "balls-up", "muck-up", "mess-up", "howler", "slip", "boo-boo", "booboo")
# "a goof on our end": slang owning-up by where the fault lies.
_SLANG_OWNED = ("goof", "goof-up", "cock-up", "balls-up", "muck-up", "mess-up", "howler", "boo-boo", "booboo",
                "clanger", "screw-up", "stuff-up", "slip-up", "fail")
# Owning up by an erring verb, said by "we" / "I" ("we totally messed that up", "I kind of
# fumbled that one", "we've made a right mess of that"): the class, not a list of phrases
# (round 4: keyword-free casual apologies were lost to the finder whenever their verb was new).
_FIRST_PERSON_SUBJECTS = ("we", "i", "we've", "i've", "weve", "ive", "we'd", "i'd")
_HEDGES = ("totally", "really", "completely", "properly", "royally", "absolutely", "well", "kind", "kinda",
           "sort", "sorta", "of", "a", "bit", "just", "have", "proper", "right", "rather", "truly", "clearly")
_ERRING_VERBS = ("messed", "goofed", "botched", "fumbled", "screwed", "stuffed", "mucked", "bungled",
                 "flubbed", "fluffed", "bodged", "blew", "cocked", "borked", "fudged", "boobed")
_MESS_NOUNS = ("mess", "hash", "hames", "muddle", "pig's", "dog's", "botch", "balls-up", "cock-up", "hash-up")
# Two-token erring nouns ("our stuff up", "a screw up on our end").
_ERRING_PAIRS = ("stuff", "screw", "cock", "muck", "mess", "slip", "balls", "goof", "foul", "hash")
# A question closed by a tag ("no harm done, eh?") asks the customer nothing; "right?" and
# "yeah?" only when it says nothing of "you" ("you said Tuesday, right?" checks a detail).
_TAGS = ("eh", "hey", "huh", "innit", "aye", "hmm")
_SOFT_TAGS = ("right", "yeah", "yes", "no", "okay", "ok", "alright")
# After a bare "Sorry.", a wh-question asks again only when it points back at what the
# customer said ("What was the order number?", "what did you say?"); "What's the ticket
# number?" asks for something new.
_BACK_REFERENCE = ("was", "were", "did", "said", "again", "that", "it", "say")
# "Sorry to interrupt": breaking in, not apologising for anything done to the customer.
_INTERRUPTING = re.compile(r"\bsorry to (?:interrupt|jump|cut|butt|barge|break|chime|bother|stop|trouble)\b")
# Someone else's apology, reported ("he said sorry", "she was sorry", "an apology from").
_REPORTED = re.compile(r"\b(?:he|she|they|said|says|told|announced|wrote|mentioned|claims?)\b")
# Sympathy for what the company did not cause is not an apology ("sorry for your loss",
# "sorry to hear you had a fall", "sorry to hear about your mum"), nor are idioms.
_LIFE_EVENT = (r"loss|lost (?:your|her|his)|pass(?:ed|ing)(?: away| on)?|died|death|bereave\w*|funeral|ill|illness|"
               r"unwell|poorly|sick|hospital\w*|fall|fell|accident|injur\w*|surgery|operation|diagnos\w*|"
               r"moving(?: away| house| out)?|relocating|divorce|under the weather|flu")
_FAMILY = (r"mum|mom|mother|dad|father|husband|wife|partner|son|daughter|brother|sister|gran\w*|nan|"
           r"aunt|uncle|family|dog|cat|pet|friend")
_SYMPATHY = re.compile(
    r"\bsorry (?:for|about) (?:the |your )?loss\b"
    rf"|\bsorry to hear (?:[a-z']+ ){{0,4}}?(?:{_LIFE_EVENT})\b"
    rf"|\bsorry (?:to hear )?about (?:your|her|his) (?:{_FAMILY})\b(?! (?:was|were|had|got|being) (?:charged|billed|kept|left|cut|told|sent|given))"
    r"|\bbetter safe than sorry\b|\bfeel sorry for\b|\bsorry (?:state|sight|excuse for)\b"
)
_FIRST_PERSON = ("i", "i'm", "im", "we", "we're", "were", "i've", "we've", "me", "us", "my", "our")
_REPEAT_NOUN = re.compile(r"\brepeat (?:prescriptions?|orders?|payments?|customers?|bookings?|visits?|faults?|issues?|problems?|calls?|deliver(?:y|ies))\b")
_FILLERS = ("um", "uh", "erm", "er", "uhm", "oh", "ah", "so", "okay", "ok")
_WH_WORDS = ("what", "what's", "whats", "which", "who", "who's", "where", "when", "how", "how's")

# Cues that the "sorry" asks the customer to repeat.  "didn't (quite) catch/hear" only
# with "I" as subject: "sorry we didn't catch that sooner" is an apology.
_DIDNT_CATCH = re.compile(r"\bi (?:didn't|didnt|did not)(?: (?:quite|really|fully|properly|clearly|exactly))? (?:catch|hear)\b")
_REPEAT_CUES = (
    "repeat",
    "say that again",
    "say again",
    "come again",
    "what was that",
    "what did you say",
    "i missed that",
    "i missed what",
    "you cut out",
    "you're breaking up",
    "youre breaking up",
    "you are breaking up",
    "i lost you",
    "speak up",
    "could you spell",
    "can you spell",
    "did you say",
    "once more",
    "line cut out",
    "line went",
    "just to confirm",
    "just to check",
    "just checking",
    "quick question",
    "you broke up",
    "you're cutting out",
    "youre cutting out",
    "you are cutting out",
)
# "I missed the last digit" asks again; "I missed the deadline" owns a mistake.
_MISSED_PART = re.compile(r"\bi (?:just )?missed the (?:last|first|end|start|middle|second|third) (?:bit|part|digits?|numbers?|words?|letters?|characters?|few)\b")
# "Could you read that one more time?": asks the customer to say something again.
_SAY_AGAIN = re.compile(
    r"\b(?:can|could|would|will) you (?:please |just )?(?:say|read|repeat|give|spell|tell|go over|run)\b.*\b(?:again|one more time|once more)\b"
)
# Pardon's siblings: "excuse the noise", "forgive the delay" (the/my/our + what for).
_OBJECT_WORDS = ("the", "my", "our")
_IMPERATIVE_BEFORE = ("please", "kindly", "and", "do", "just", "um", "uh", "erm", "er", "oh", "ah", "so", "okay", "ok")


@dataclass(frozen=True)
class FinderOptions:
    """max_pause_s: a silence this long between words ends a sentence (s).
    max_span_words: sentences longer than this are narrowed to the keyword's clause.
    max_request_words: a question this short around "sorry"/"pardon" is a repeat request.
    merge_gap_s: consecutive apology sentences closer than this are one apology.
    """

    max_pause_s: float = 0.7
    max_span_words: int = 20
    max_request_words: int = 8
    merge_gap_s: float = 0.5


def norm(text: str) -> str:
    """Lower-case word without surrounding punctuation; curly apostrophes made straight."""
    return text.strip().lower().replace("\u2019", "'").strip(".,!?;:\"()[]-")


def keyword_at(tokens: Sequence[str], i: int, sentence_start: bool = False) -> Optional[int]:
    """If an apology keyword starts at tokens[i], return how many tokens it spans.
    sentence_start: tokens[i] opens a sentence (where "pardon" sound-alikes count)."""
    t = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    nxt2 = tokens[i + 2] if i + 2 < len(tokens) else ""
    prev = tokens[i - 1] if i > 0 else ""
    prev2 = tokens[i - 2] if i > 1 else ""
    if sentence_start and t in _PARDON_SOUNDALIKES and nxt in _PARDON_OBJECTS:
        return 2
    if sentence_start and t in ("part", "hard") and nxt == "in" and nxt2 in _PARDON_OBJECTS:
        return 3
    if t in ("apologised", "apologized"):
        return None  # past tense reports an earlier apology ("the manager apologised to you")
    if t in ("sorry", "sorry's") or t.startswith(("apologi", "apologe", "apology")) or _BROKEN_APOLOGY.search(t):
        return 1
    if t == "regret" and (prev in ("i", "we") or prev2 in ("i", "we")):
        return 1
    if t == "forgive" and nxt in ("me", "us"):
        return 2
    if t in ("forgive", "excuse") and nxt in _OBJECT_WORDS and (sentence_start or prev in _IMPERATIVE_BEFORE):
        return 2  # said as a request: "(please) excuse the noise"; not "we can't excuse the fee"
    if t == "excuse" and nxt in ("me", "us") and nxt2 == "for":
        return 2  # "excuse me for the wait"; "excuse me?" alone asks again
    if t == "pardon" and nxt in ("the", "my", "our", "me", "us") and prev not in ("your", "beg"):
        return 2
    if t == "pardon":
        return 1  # judged as a repeat request or not by the sentence test below
    return _keyword_free_at(t, nxt, nxt2, sentence_start) or _owning_at(tokens, i)


def _owning_at(tokens: Sequence[str], i: int) -> Optional[int]:
    """Owning up in other words: "we (kind of) fumbled that", "we've made a right mess of
    it", "our stuff up", "a screw up on our end", "rookie error", "silly me", "that one's on
    us".  Returns the token count from ``tokens[i]`` to the erring word."""
    t, rest = tokens[i], list(tokens[i + 1:i + 6]) + [""] * 5
    if t in _FIRST_PERSON_SUBJECTS:
        for j, w in enumerate(rest[:4]):
            if w in _ERRING_VERBS:
                return j + 2
            if w == "made" and any(m in _MESS_NOUNS for m in rest[j + 1:j + 5]):
                return j + 2 + next(k for k, m in enumerate(rest[j + 1:j + 5]) if m in _MESS_NOUNS) + 1
            if w not in _HEDGES:
                return None
        return None
    if t in ("our", "my") and rest[0] in _ERRING_PAIRS and rest[1] == "up":
        return 3
    if t in _ERRING_PAIRS and rest[0] == "up" and rest[1] == "on" and rest[2] in ("our", "my"):
        return 4
    if (t, rest[0]) in (("rookie", "error"), ("rookie", "mistake"), ("silly", "me")):
        return 2
    if t in ("one's", "ones") and rest[0] == "on" and rest[1] in ("me", "us"):
        return 3
    return None


def _keyword_free_at(t: str, nxt: str, nxt2: str, sentence_start: bool = False) -> Optional[int]:
    """Owning a mistake without an apology word: "my bad", "oops", "our mistake",
    "that's on me", "dropped the ball" (casual apologies are apologies too).  tiny.en
    writes "my bad" as "my mad" and a sentence-opening "our bad" as "are bad"."""
    if t in _OOPS or t in _SLANG_SORRY or (t == "ope" and sentence_start):
        return 1
    if (t, nxt) in _SLANG_PAIRS:
        return 2
    if t in ("my", "our") and nxt in _OWNED:
        return 2
    if t in _SLANG_OWNED and nxt == "on" and nxt2 in ("our", "my"):
        return 3  # "a goof on our end"; "a mistake on our side" owns it plainly, with or without a sorry
    if (t == "my" or (t == "are" and sentence_start)) and nxt in ("bad", "mad"):
        return 2
    if t in ("that's", "thats", "that") and nxt == "on" and nxt2 in ("me", "us"):
        return 3
    if t in ("dropped", "drop") and nxt == "the" and nxt2 == "ball":
        return 3
    return None


def _first_keyword(tokens: Sequence[str], lo: int, hi: int) -> tuple[Optional[int], int]:
    """(index, token count) of the first apology keyword in tokens[lo:hi], or (None, 0)."""
    first = next((i for i in range(lo, hi) if tokens[i]), lo)
    for i in range(lo, hi):
        n_key = keyword_at(tokens, i, i == first) if tokens[i] else None
        if n_key:
            return i, n_key
    return None, 0


def _has_repeat_cue(text: str) -> bool:
    text = _REPEAT_NOUN.sub(" ", text)  # "your repeat prescription" asks for nothing
    return any(cue in text for cue in _REPEAT_CUES) or bool(_DIDNT_CATCH.search(text) or _MISSED_PART.search(text) or _SAY_AGAIN.search(text))


def _is_repeat_request(sentence_words: Sequence[Word], tokens: Sequence[str], options: FinderOptions) -> bool:
    """The sentence holding the keyword asks to repeat, breaks in, or clarifies."""
    text = " ".join(tokens)
    if _has_repeat_cue(text) or _INTERRUPTING.search(text):
        return True
    last = sentence_words[-1].text.strip()
    is_question = last.endswith("?") and not _tag_question(tokens)
    if is_question and not _APOLOGY_WITH_OBJECT.search(text):
        # "Sorry?", "Pardon?", "Sorry, what?", "sorry, who?"; and "Sorry, did you want the
        # refund to the original card?": a keyword opening a question clarifies
        opening = next((t for t in tokens if t not in _FILLERS), "")
        if len(tokens) <= options.max_request_words or opening in ("sorry", "pardon"):
            return True
    if tokens in (["pardon"], ["pardon", "me"], ["beg", "your", "pardon"], ["i", "beg", "your", "pardon"]):
        return True
    return False


def _tag_question(tokens: Sequence[str]) -> bool:
    """A statement closed by a tag ("Sorry, no harm done, eh?"), not a question."""
    if len(tokens) < 3:
        return False
    return tokens[-1] in _TAGS or (tokens[-1] in _SOFT_TAGS and "you" not in tokens)


def _asks_again(sentence_words: Sequence[Word], tokens: Sequence[str], options: FinderOptions) -> bool:
    """The sentence after a bare "Sorry." makes it a repeat request: a repeat cue, or a
    short wh-question pointing back at what was said ("Sorry. What was the order
    number?").  A yes/no question is not ("Sorry. Is that everything for today?" is a
    dismissive apology, not a request), nor a question for something new ("Sorry. What's
    the ticket number?", "Sorry. Can you spell the street name for me?")."""
    if not tokens:
        return False
    text = " ".join(tokens)
    spelling = "spell" in tokens and not any(t in ("that", "it", "again") for t in tokens)
    if _has_repeat_cue(text) and not spelling:
        return True
    is_question = sentence_words[-1].text.strip().endswith("?")
    return (is_question and tokens[0] in _WH_WORDS and len(tokens) <= options.max_request_words
            and any(t in _BACK_REFERENCE for t in tokens[1:]))


def _is_reported(tokens: Sequence[str], key: int, lo: int) -> bool:
    """Someone else's apology ("he said sorry", "she apologised", "you want an apology")."""
    left = tokens[max(lo, key - 5):key]
    if tokens[key].startswith("apology") and key > lo and tokens[key - 1] == "an":
        return not (key > lo + 1 and tokens[key - 2] in ("you", "owe"))
    if any(t in _FIRST_PERSON for t in left[-2:]):
        return False
    return bool(left) and bool(_REPORTED.search(" ".join(left)))


def _is_bare(tokens: Sequence[str]) -> bool:
    """A keyword-only sentence ("Sorry.", "I'm so sorry."), no object named."""
    return len(tokens) <= BARE_KEYWORD_TOKENS and not _APOLOGY_WITH_OBJECT.search(" ".join(tokens))


def _narrow_to_clause(words: Sequence[Word], lo: int, hi: int, key: int, max_words: int) -> tuple[int, int]:
    if hi - lo <= max_words:
        return lo, hi
    start = key
    while start > lo and not _CLAUSE_END.search(words[start - 1].text.strip()):
        start -= 1
    end = key
    while end < hi - 1 and not _CLAUSE_END.search(words[end].text.strip()):
        end += 1
    return start, min(end + 1, hi)


class ApologyFinder:
    """Finds apologies in the words of one utterance (stateless between utterances)."""

    def __init__(self, options: FinderOptions = FinderOptions()):
        self.options = options

    def find(self, words: Sequence[Word], emitted_at_s: float = 0.0) -> list[ApologyEvent]:
        """Apologies among ``words`` (one utterance, in time order)."""
        tokens = [norm(w.text) for w in words]
        spans: list[tuple[int, int, int, int]] = []  # (first word, end word, keyword index, keyword tokens)
        sentences = split_sentences(words, self.options.max_pause_s)
        for n, (lo, hi) in enumerate(sentences):
            sentence_tokens = [t for t in tokens[lo:hi] if t]
            key, n_key = _first_keyword(tokens, lo, hi)
            if key is None or _is_repeat_request(words[lo:hi], sentence_tokens, self.options):
                continue
            if _is_reported(tokens, key, lo) or _SYMPATHY.search(" ".join(sentence_tokens)):
                continue
            if _is_bare(sentence_tokens) and n + 1 < len(sentences):
                # "I'm sorry. Could you say that again?": the request is the next sentence.
                nlo, nhi = sentences[n + 1]
                if _asks_again(words[nlo:nhi], [t for t in tokens[nlo:nhi] if t], self.options):
                    continue
            span_lo, span_hi = _narrow_to_clause(words, lo, hi, key, self.options.max_span_words)
            previous = spans[-1] if spans else None
            if previous and previous[1] == span_lo and words[span_lo].start - words[span_lo - 1].end < self.options.merge_gap_s:
                spans[-1] = (previous[0], span_hi, previous[2], previous[3])  # "Sorry about that. I apologize..."
            else:
                spans.append((span_lo, span_hi, key, n_key))
        return [self._event(words, tokens, *span, emitted_at_s) for span in spans]

    def awaits_next(self, apology: ApologyEvent, words: Sequence[Word]) -> bool:
        """True when ``apology`` is a bare keyword sentence ("Sorry.", "I'm sorry.") that ends
        its utterance ``words``: a repeat request may follow after a pause long enough to
        end the utterance ("Sorry. [0.4 s] You cut out there."), so whether it is an apology
        is for the next utterance to say (``opens_repeat_request``)."""
        tokens = [t for t in (norm(w.text) for w in apology.words) if t]
        return _is_bare(tokens) and bool(words) and apology.end >= words[-1].end

    def opens_repeat_request(self, words: Sequence[Word]) -> bool:
        """True when the first sentence of ``words`` (an utterance) asks for a repeat."""
        sentences = split_sentences(words, self.options.max_pause_s)
        if not sentences:
            return False
        lo, hi = sentences[0]
        tokens = [t for t in (norm(w.text) for w in words[lo:hi]) if t]
        return _asks_again(words[lo:hi], tokens, self.options)

    @staticmethod
    def _event(words, tokens, lo: int, hi: int, key: int, n_key: int, emitted_at_s: float) -> ApologyEvent:
        span = tuple(words[lo:hi])
        return ApologyEvent(
            start=span[0].start,
            end=span[-1].end,
            text="".join(w.text for w in span).strip(),
            keyword=" ".join(tokens[key : key + n_key]),
            keyword_start=words[key].start,
            keyword_end=words[min(key + n_key, len(words)) - 1].end,
            words=span,
            emitted_at_s=emitted_at_s,
        )
