"""Apologies judged for tone whose record is still open.

After its tone judgement an apology waits for what can only be known later: laughter
heard around it (the laughter tracker decides a laugh up to one encoder chunk late) and
the words after it (the wording judge's action window).  When its window has passed it
closes as one ``JudgedApology`` with its laughter seconds and wording flags.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from .config import Thresholds
from .events import ApologyEvent, Event, FlagEvent, JudgedApology, LaughterSegment, Word
from .judge import judge_laughter, laughter_seconds

RECENT_S = 30.0  # laughter kept for the windows of open apologies


@dataclass
class _Open:
    """One apology judged for tone, waiting for its laughter and wording windows."""

    judged: JudgedApology
    before: list[Word]
    after: list[Word] = field(default_factory=list)
    laugh_flagged: bool = False
    wording_words: Optional[list[Word]] = None  # the apology as re-recognised (wording only)


class OpenApologies:
    """The open records of one stream.

    now: the stream clock (s) stamped on emitted events; timings: the pipeline's stage
    timings (``"wording"`` is added to); wording_judge: None judges no wording.
    """

    def __init__(self, thresholds: Thresholds, wording_judge, now: Callable[[], float], timings: dict):
        self.thresholds = thresholds
        self.wording = wording_judge
        self._now = now
        self._timings = timings
        self._open: list[_Open] = []
        self._recent_laughter: deque[LaughterSegment] = deque()

    def add(self, judged: JudgedApology, before: list[Word], after: list[Word],
            heard: Optional[tuple[list[Word], list[Word], list[Word]]] = None) -> list[Event]:
        """Open ``judged`` (``before``/``after``: words around it heard so far); returns
        the flag events of laughter already heard around it.  ``heard``: (apology, before,
        after) words of a second recognition (analyzer.wording_redecode), which the
        wording judge reads instead; tone and timing stay the first recognition's."""
        record = _Open(judged, before, after)
        if heard is not None:
            record.wording_words, record.before, record.after = heard[0], heard[1], heard[2]
        self._open.append(record)
        return self._check_laughter(record)

    def hear(self, words: list[Word]) -> None:
        """Words of a new utterance: those after an open apology join its wording window."""
        for record in self._open:
            record.after += [w for w in words if w.start >= record.judged.apology.end]

    def on_laughter(self, segments: list[LaughterSegment], consumed_s: float) -> list[Event]:
        """Laughter segments as the tracker decides them (stamped now), then the flags they
        raise on open apologies; laughter older than ``RECENT_S`` before ``consumed_s`` is
        forgotten."""
        events: list[Event] = []
        for seg in segments:
            seg = replace(seg, emitted_at_s=self._now())
            self._recent_laughter.append(seg)
            events.append(seg)
        while self._recent_laughter and self._recent_laughter[0].end < consumed_s - RECENT_S:
            self._recent_laughter.popleft()
        if segments:
            for record in self._open:
                events += self._check_laughter(record)
        return events

    def close(self, before_s: float) -> list[Event]:
        """Close the records of apologies that ended before ``before_s``: their wording
        flag events, then the complete ``JudgedApology``."""
        events: list[Event] = []
        still: list[_Open] = []
        for record in self._open:
            if record.judged.apology.end > before_s:
                still.append(record)
                continue
            judged = record.judged
            apology = judged.apology
            laugh_s = laughter_seconds(*_measured_edges(judged), list(self._recent_laughter), self.thresholds.nervous_laugh.margin_s)
            wording = self._judge_wording(record)
            events += [self.flag_event(f, apology) for f in wording]
            judged = replace(
                judged,
                measures=replace(judged.measures, laughter_s=laugh_s),
                flags=judged.flags + tuple(wording),
                emitted_at_s=self._now(),
            )
            events.append(judged)
        self._open = still
        return events

    def flag_event(self, flag, apology: ApologyEvent) -> FlagEvent:
        return FlagEvent.of(flag, apology, self._now())

    def _check_laughter(self, record: _Open) -> list[Event]:
        if record.laugh_flagged:
            return []
        apology = record.judged.apology
        flags = judge_laughter(*_measured_edges(record.judged), list(self._recent_laughter), self.thresholds)
        if not flags:
            return []
        record.laugh_flagged = True
        record.judged = replace(record.judged, flags=record.judged.flags + tuple(flags))
        return [self.flag_event(f, apology) for f in flags]

    def _judge_wording(self, record: _Open) -> list:
        if self.wording is None:
            return []
        apology = record.judged.apology
        window = getattr(self.wording.options, "action_window_s", 8.0)
        after = [w for w in record.after if w.start <= apology.end + window]
        tic = time.perf_counter()
        flags = list(self.wording.judge(record.wording_words or apology.words, record.before, after))
        self._timings["wording"] += time.perf_counter() - tic
        return flags


def _measured_edges(judged: JudgedApology) -> tuple[float, float]:
    """(start, end) s of the breath group the apology's delivery was measured over
    (analyzer.measures.delivery_window): a laugh after "I'm sorry, two of the items were
    missing" follows the breath, not the two words the finder's sentence holds."""
    m, a = judged.measures, judged.apology
    start = m.breath_start_s if m.breath_start_s is not None else a.start
    end = m.breath_end_s if m.breath_end_s is not None else a.end
    return min(start, a.start), max(end, a.end)
