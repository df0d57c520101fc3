"""Coaching texts: the one short instruction a face shows for a flag, and the plain
"what to do" line for each state of a live session.

Written once here so the terminal view, the overlay and the plain lines say the same
thing.  The numbers are the judge's structured figures on the flag (``measured``,
``usual``, ``usual_source``); no measure or threshold is computed here.
"""

from __future__ import annotations

from typing import Optional, Protocol

# Wording flags: a short instruction, then the judge's detail (the quoted words).
WORDING_ADVICE = {
    "qualified": "Drop the qualifier",
    "minimizing": "Don't play it down",
    "casual": "Say it in full",
    "scripted": "Make it your own words",
}


class FlagFigures(Protocol):
    """What coaching reads from a flag (``events.Flag`` and ``events.FlagEvent`` both have it)."""

    kind: str
    reason: str
    measured: Optional[float]
    usual: Optional[float]
    usual_source: str


def _against_usual(advice: str, measured: str, flag: FlagFigures, unit: str, note_default: str,
                   note_usual: str = "") -> str:
    """"<advice>: <measured>, your usual N" when the flag compares with this agent's usual;
    "typical speech is N" when it compares with a population default (never called the
    agent's own)."""
    if flag.usual is None:
        return f"{advice}: {measured}"
    if flag.usual_source == "call":
        return f"{advice}: {measured}, your usual {flag.usual:.1f}" + (f" {note_usual}" if note_usual else "")
    return f"{advice}: {measured}, typical speech is {flag.usual:.1f} {unit} {note_default}"


def coaching(flag: FlagFigures) -> str:
    """A short, human instruction for a flag ("Slow down: 5.9 syll/s, your usual 4.2")."""
    kind, m = flag.kind, flag.measured
    if kind == "rushed":
        if m is None:
            return "Slow down: that apology was rushed"
        return _against_usual("Slow down", f"{m:.1f} syll/s", flag, "syll/s", "(your own pace is not known yet)")
    if kind == "cheerful":
        if m is None:
            return "Lower, steadier tone: it sounded upbeat"
        above = "your usual" if flag.usual_source == "call" else "typical speech (your own is not known yet)"
        return f"Lower, steadier tone: pitch {m:+.1f} st above {above}"
    if kind == "flat":
        if m is None:
            return "Mean it: the apology sounded flat, read out"
        return _against_usual("Mean it", f"pitch range {m:.1f} st", flag, "st", "(sounds read out)", "(sounds read out)")
    if kind == "nervous_laugh":
        return "Careful: laughter during the apology"
    if kind == "no_action":
        return "Name the problem, then say what you'll do"
    if kind == "no_empathy":
        return "Say how it affected them, not just sorry"
    reason = flag.reason
    detail = reason.split(": ", 1)[1] if reason.startswith(f"{kind}: ") else reason
    advice = WORDING_ADVICE.get(kind, f"Wording ({kind.replace('_', ' ')})")
    return f"{advice}: {detail}"


NO_FLAGS_TEXT = "No flags: it came across as meant"

# state -> (headline, what to do).  States of a live face: see analyzer.faces.overlay.
STATE_TEXT = {
    "loading": ("Loading the speech models", "Takes a few seconds. Nothing is analysed yet."),
    "listening": ("Listening", "Speak as usual. A cue appears only after an apology."),
    "paused": ("Paused", "Nothing is analysed. Press P or use the menu (right-click) to resume."),
    "no_microphone": ("No microphone", "Plug in a headset, then pick it under Microphone (right-click)."),
    "microphone_lost": ("Microphone lost", "Check the headset, then pick it again under Microphone (right-click)."),
    "behind": ("Falling behind", "The computer is busy: cues come late. Close heavy apps if it stays."),
    "ended": ("Recording ended", "The recording has played to the end. Quit from the menu (right-click)."),
    "error": ("Stopped by an error", "See the message below; restart the overlay."),
}


def state_text(state: str) -> tuple[str, str]:
    """(headline, what to do) for a live session state."""
    return STATE_TEXT.get(state, (state.replace("_", " ").capitalize(), ""))
