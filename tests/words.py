"""Build timed Word lists from text (what Whisper would give), for text-level tests."""

from analyzer.events import Word


def words_from(text: str, start: float = 0.0, rate_wps: float = 2.5, pause_after: dict | None = None) -> list[Word]:
    """Words of ``text`` evenly timed at ``rate_wps`` words/s; pause_after maps a word
    index to extra silence (s) after it."""
    out, t = [], start
    step = 1.0 / rate_wps
    for i, token in enumerate(text.split()):
        out.append(Word(" " + token, t, t + step * 0.85))
        t += step + (pause_after or {}).get(i, 0.0)
    return out
