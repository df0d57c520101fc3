"""Hearing casual apologies: a second, primed recognition of apology-like utterances only.

tiny.en writes the casual forms the ``casual`` flag rests on as something else ("sorry
'bout that" as "sorry about that", "Oops" as "Who's", "Welp, our bad" as "Wilt or bad").
Priming Whisper with casual forms (``CASUAL_APOLOGY_PROMPT``) recovers most of them but,
on every utterance, costs a third more recognition.  So only utterances that hold an
apology, or that are short and hold what is left of an owning-up ("... our bad", "on us",
an opening "about that" whose "sorry" was lost), are recognised a second time with the
prompt.  The second recognition feeds the *wording judge only*: apology spans, their
timing and every delivery measure stay those of the first recognition (an apology that
only the second one finds is measured on the first one's words in its time span).

Cost: one extra Whisper call per such utterance (``CasualRedecoder.calls`` counts them;
the pipeline's ``timings["redecode"]`` holds their seconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from .apology import ApologyFinder
from .events import ApologyEvent, Word
from .transcribe import CASUAL_APOLOGY_PROMPT

# A short utterance this long (words) may be a casual apology the first recognition broke.
SHORT_WORDS = 8
# What is left of an owning-up after tiny.en mishears its casual word: "my/our bad" heard
# as "my bed", "are bad", "or bad", "ar mistake"; "that's on us"; a lost "sorry" before
# "about that"; "... on our part/end".
_REMNANT = re.compile(
    r"\b(?:my|our|are|ar|or|a)\s+(?:bad|bed|mad|man|mistake|fault|goof)\b"
    r"|\bon (?:us|me)\b|^(?:\w+\s+)?(?:about|bout|for) (?:that|this)\b|\bon (?:our|my) (?:part|end|side)\b"
)


def _plain(words: Sequence[Word]) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", w.text.lower()).strip() for w in words).strip()


@dataclass
class Heard:
    """The second recognition of one utterance: its words, and per apology (keyed by the
    first recognition's span) the words the wording judge reads."""

    words: list[Word]
    apology_words: dict[tuple[float, float], list[Word]]


class CasualRedecoder:
    """Second, primed recognition of apology-like utterances (see the module docstring)."""

    def __init__(self, transcriber, finder: ApologyFinder, prompt: str = CASUAL_APOLOGY_PROMPT):
        self.transcriber = transcriber
        self.finder = finder
        self.prompt = prompt
        self.calls = 0

    def suspect(self, words: Sequence[Word], apologies: Sequence[ApologyEvent]) -> bool:
        """Is this utterance worth a second recognition?"""
        if apologies:
            return True
        return 0 < len(words) <= SHORT_WORDS and bool(_REMNANT.search(_plain(words)))

    def revise(self, samples, offset_s: float, words: list[Word], apologies: list[ApologyEvent],
               now_s: float = 0.0, clamp=None) -> tuple[list[ApologyEvent], Optional[Heard]]:
        """(apologies, what the second recognition heard) of one utterance.  ``apologies``
        gains those only the second recognition finds, spanned on ``words``' times;
        ``clamp`` (words -> words) is applied to the second recognition as to the first."""
        if not self.suspect(words, apologies):
            return apologies, None
        self.calls += 1
        heard = self.transcriber.words(samples, offset_s, prompt=self.prompt)
        if clamp is not None:
            heard = clamp(heard)
        if not heard:
            return apologies, None
        out, by_span = list(apologies), {}
        for alt in self.finder.find(heard, now_s):
            match = next((a for a in apologies if a.start < alt.end and alt.start < a.end), None)
            if match is None:
                match = _on_first_words(alt, words)
                if match is None:
                    continue
                out.append(match)
            by_span.setdefault((match.start, match.end), list(alt.words))
        out.sort(key=lambda a: a.start)
        return out, Heard(heard, by_span)


def _on_first_words(alt: ApologyEvent, words: Sequence[Word]) -> Optional[ApologyEvent]:
    """An apology only the second recognition found, spanned on the first one's words."""
    span = tuple(w for w in words if w.start < alt.end and alt.start < w.end)
    if not span:
        return None
    return ApologyEvent(start=span[0].start, end=span[-1].end, text="".join(w.text for w in span).strip(),
                        keyword=alt.keyword, keyword_start=max(alt.keyword_start, span[0].start),
                        keyword_end=min(alt.keyword_end, span[-1].end), words=span, emitted_at_s=alt.emitted_at_s)


def heard_context(heard: Optional[Heard], apology: ApologyEvent, recent: list[Word],
                  later: Sequence[Word]) -> Optional[tuple[list[Word], list[Word], list[Word]]]:
    """(apology, before, after) words of the casual re-recognition for the wording judge."""
    if heard is None or (apology.start, apology.end) not in heard.apology_words:
        return None
    alt = heard.apology_words[(apology.start, apology.end)]
    before = [w for w in recent + heard.words if w.end <= alt[0].start]
    after = [w for w in heard.words + list(later) if w.start >= alt[-1].end]
    return alt, before, after
