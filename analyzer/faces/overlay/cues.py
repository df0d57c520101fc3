"""Which single coaching cue the overlay shows, and when (pure Python, no Qt).

Live coaches work best with one sparse cue, so:
- an apology gets at most ONE cue: the most important of the flags that arrive together
  (tone flags come in one batch when the apology is judged); flags that come later for an
  apology that already has a cue (laughter, wording) only go to its history line;
- a cue kind that was shown less than ``cooldown_s`` of audio ago is not shown again
  (it still goes to the history);
- one cue on screen at a time: a cue accepted while another is showing waits (only the
  newest waits); the window retires the shown cue after its hold time (``retire``).

Cool-downs count audio seconds (the events' ``emitted_at_s``), so the choice is the same
however fast the audio is played; how long a cue stays on screen is the window's (wall
clock) business.  The texts come from ``analyzer.coaching``; no measure is computed here.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ...coaching import NO_FLAGS_TEXT, coaching
from ...events import FlagEvent

# Most important first: pace and laughter are the most audible to a caller.
PRIORITY = ("rushed", "nervous_laugh", "cheerful", "flat", "no_action", "no_empathy", "minimizing", "qualified", "casual", "scripted")
# The menu's "which cues to show": group -> flag kinds.
CUE_GROUPS = {
    "pace": ("rushed",),
    "tone": ("cheerful", "flat"),
    "laughter": ("nervous_laugh",),
    "wording": ("no_action", "no_empathy", "minimizing", "qualified", "casual", "scripted"),
}
COOLDOWN_S = 60.0  # audio seconds before the same cue kind is shown again
HOLD_S = 6.0  # wall seconds a cue stays on screen (the window's timer)
HISTORY_LEN = 5  # apologies kept in the history


def _rank(kind: str) -> int:
    return PRIORITY.index(kind) if kind in PRIORITY else len(PRIORITY)


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass
class Cue:
    """One cue on screen: the coaching text of flag ``kind`` for an apology (times in s)."""

    kind: str
    text: str
    apology_start_s: float
    apology_end_s: float
    emitted_at_s: float
    displaced_last: Optional[float] = None  # cool-down stamp to restore if replaced


@dataclass
class ApologyNote:
    """History line of one apology: its words and every coaching text it got."""

    start_s: float
    end_s: float
    words: str = ""
    texts: list = field(default_factory=list)
    cue: Optional[Cue] = None
    judged: bool = False

    def line(self) -> str:
        """One short line: the cue shown (else the first text, else 'no flags')."""
        if self.cue is not None:
            text = self.cue.text
        elif self.texts:
            text = self.texts[0]
        elif self.judged:
            text = NO_FLAGS_TEXT
        else:
            text = f"\u201c{self.words[:40]}\u201d" if self.words else "apology"
        return f"{_clock(self.start_s)}  {text}"

    def detail(self) -> str:
        """The words and all texts (the expanded history / tooltip)."""
        lines = [f"{_clock(self.start_s)}  \u201c{self.words}\u201d"] if self.words else [self.line()]
        lines += [f"    {t}" for t in self.texts] or ([f"    {NO_FLAGS_TEXT}"] if self.judged else [])
        return "\n".join(lines)


class CueBoard:
    """The overlay's cue state.  Feed it events in order; it says what to show.

    groups: the enabled groups of CUE_GROUPS (None: all).
    """

    def __init__(self, groups: Optional[Iterable[str]] = None, cooldown_s: float = COOLDOWN_S, history_len: int = HISTORY_LEN):
        self.cooldown_s = cooldown_s
        self.set_groups(CUE_GROUPS if groups is None else groups)
        self.current: Optional[Cue] = None
        self.pending: Optional[Cue] = None
        self.history: deque = deque(maxlen=history_len)  # ApologyNote, oldest first
        self._last_shown: dict = {}  # kind -> emitted_at_s of its last accepted cue

    def set_groups(self, groups: Iterable[str]) -> None:
        self.groups = {g for g in groups if g in CUE_GROUPS}
        self.enabled = {k for g in self.groups for k in CUE_GROUPS[g]}

    def _note(self, start_s: float, end_s: float) -> ApologyNote:
        for note in self.history:
            if abs(note.start_s - start_s) < 1e-6:
                return note
        note = ApologyNote(start_s, end_s)
        self.history.append(note)
        return note

    # -- events -----------------------------------------------------------------------
    def on_apology(self, start_s: float, end_s: float, words: str) -> None:
        self._note(start_s, end_s).words = words

    def on_judged(self, start_s: float, end_s: float) -> None:
        self._note(start_s, end_s).judged = True

    def on_flag(self, flag: FlagEvent) -> Optional[Cue]:
        """A flag arrived.  Returns the cue that is now on screen if this flag changed it,
        else None (suppressed, waiting, or history only)."""
        kind, emitted_at_s = flag.kind, flag.emitted_at_s
        apology_start_s, apology_end_s = flag.apology_start_s, flag.apology_end_s
        note = self._note(apology_start_s, apology_end_s)
        text = coaching(flag)
        note.texts.append(text)
        if kind not in self.enabled:
            return None
        if note.cue is not None:
            return self._maybe_upgrade(note, kind, text, emitted_at_s)
        last = self._last_shown.get(kind)
        if last is not None and emitted_at_s - last < self.cooldown_s:
            return None
        cue = Cue(kind, text, apology_start_s, apology_end_s, emitted_at_s, displaced_last=last)
        note.cue = cue
        self._last_shown[kind] = emitted_at_s
        if self.current is None:
            self.current = cue
            return cue
        self.pending = cue  # the newest waits; an older waiting cue stays in history
        return None

    def _maybe_upgrade(self, note: ApologyNote, kind: str, text: str, emitted_at_s: float) -> Optional[Cue]:
        """A more important flag of the same batch replaces the apology's cue (same audio
        instant: the window has not painted the first one yet, so nothing flashes)."""
        old = note.cue
        if old.emitted_at_s != emitted_at_s or _rank(kind) >= _rank(old.kind):
            return None
        last = self._last_shown.get(kind)
        if last is not None and emitted_at_s - last < self.cooldown_s:
            return None
        if old.displaced_last is None:
            self._last_shown.pop(old.kind, None)
        else:
            self._last_shown[old.kind] = old.displaced_last
        cue = Cue(kind, text, old.apology_start_s, old.apology_end_s, emitted_at_s, displaced_last=last)
        note.cue = cue
        self._last_shown[kind] = emitted_at_s
        if self.current is old:
            self.current = cue
            return cue
        if self.pending is old:
            self.pending = cue
        return None

    def retire(self) -> Optional[Cue]:
        """The shown cue's time is up: it stays in the history; the waiting cue (if any)
        is shown next and returned."""
        self.current, self.pending = self.pending, None
        return self.current

    def past(self) -> list:
        """History notes other than the one on screen, newest first."""
        shown = self.current
        return [n for n in reversed(self.history) if shown is None or n.cue is not shown]
