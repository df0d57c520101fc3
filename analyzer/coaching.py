"""Coaching texts: the one short instruction a face shows for a flag.

Written once here so the terminal view, the overlay and the plain lines say the same
thing.  The numbers come from the flag's ``reason`` (the judge's measured figures); no
measure or threshold is computed here.
"""

from __future__ import annotations

import re
from typing import Optional


def _num(pattern: str, text: str) -> Optional[str]:
    m = re.search(pattern, text)
    return m.group(1) if m else None


def coaching(kind: str, reason: str) -> str:
    """A short, human instruction for a flag ("Slow down: 5.9 syll/s, your usual is 4.2")."""
    if kind == "rushed":
        rate = _num(r"([\d.]+) syll/s,", reason)
        usual = _num(r"usual ([\d.]+) syll/s", reason)
        typical = _num(r"default ([\d.]+) syll/s", reason)
        if rate and usual:
            return f"Slow down: {rate} syll/s, your usual is {usual}"
        if rate and typical:  # not the agent's own pace: do not call it theirs
            return f"Slow down: {rate} syll/s, typical speech is {typical} (your own pace is not known yet)"
        return "Slow down: that apology was rushed"
    if kind == "cheerful":
        shift = _num(r"pitch ([+-][\d.]+) st", reason)
        return f"Bring it down: pitch {shift} st above your usual, it can sound upbeat" if shift else "Bring it down: the apology sounded upbeat"
    if kind == "flat":
        rng = _num(r"pitch range ([\d.]+) st", reason)
        usual = _num(r"usual ([\d.]+) st", reason)
        typical = _num(r"default ([\d.]+) st", reason)
        if rng and usual:
            return f"Mean it: pitch range {rng} st, your usual is {usual} (sounds read out)"
        if rng and typical:
            return f"Mean it: pitch range {rng} st, typical speech is {typical} (sounds read out)"
        return "Mean it: the apology sounded flat, read out"
    if kind == "nervous_laugh":
        return "Careful: laughter right around the apology can sound dismissive"
    detail = reason.split(": ", 1)[1] if reason.startswith(f"{kind}: ") else reason
    return f"Wording ({kind.replace('_', ' ')}): {detail}"
