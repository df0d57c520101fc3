"""Coaching texts: the one short instruction a face shows for a flag, and the plain
"what to do" line for each state of a live session.

Written once here so the terminal view, the overlay and the plain lines say the same
thing.  The numbers come from the flag's ``reason`` (the judge's measured figures); no
measure or threshold is computed here.
"""

from __future__ import annotations

import re
from typing import Optional

# Wording flags: a short instruction, then the judge's detail (the quoted words).
WORDING_ADVICE = {
    "qualified": "Drop the qualifier",
    "minimizing": "Don't play it down",
    "casual": "Say it in full",
    "scripted": "Make it your own words",
}


def _num(pattern: str, text: str) -> Optional[str]:
    m = re.search(pattern, text)
    return m.group(1) if m else None


def _against_usual(advice: str, measured: Optional[str], reason: str, number: str,
                   note_default: str, note_usual: str = "") -> Optional[str]:
    """"<advice>: <measured>, your usual N" when the reason compares with this agent's
    usual; "typical speech is N" when it compares with a population default (never called
    the agent's own)."""
    if not measured:
        return None
    usual = _num("usual " + number, reason)
    if usual:
        return f"{advice}: {measured}, your usual {usual}" + (f" {note_usual}" if note_usual else "")
    typical = _num("default " + number, reason)
    if typical:
        return f"{advice}: {measured}, typical speech is {typical} {note_default}"
    return None


def coaching(kind: str, reason: str) -> str:
    """A short, human instruction for a flag ("Slow down: 5.9 syll/s, your usual 4.2")."""
    if kind == "rushed":
        rate = _num(r"([\d.]+) syll/s,", reason)
        return _against_usual("Slow down", f"{rate} syll/s" if rate else None, reason, r"([\d.]+) syll/s",
                              "(your own pace is not known yet)") or "Slow down: that apology was rushed"
    if kind == "cheerful":
        shift = _num(r"pitch ([+-][\d.]+) st", reason)
        return f"Lower, steadier tone: pitch {shift} st above your usual" if shift else "Lower, steadier tone: it sounded upbeat"
    if kind == "flat":
        rng = _num(r"pitch range ([\d.]+) st", reason)
        return _against_usual("Mean it", f"pitch range {rng} st" if rng else None, reason, r"([\d.]+) st",
                              "(sounds read out)", "(sounds read out)") or "Mean it: the apology sounded flat, read out"
    if kind == "nervous_laugh":
        return "Careful: laughter during the apology"
    if kind == "no_action":
        return "Name the problem, then say what you'll do"
    if kind == "no_empathy":
        return "Say how it affected them, not just sorry"
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
