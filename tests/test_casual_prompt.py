"""The opt-in Whisper prompt for casual apology forms (TranscriberOptions.initial_prompt):
tiny.en hears espeak's "my bad" as "my man"/"my mad" and "Whoops" as "We'll see"
without it (tune-set measurement in README "What the words say")."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.transcribe import CASUAL_APOLOGY_PROMPT, Transcriber, TranscriberOptions


def _heard(text: str, prompt) -> str:
    synthesis = pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
    audio, _sr, _truth = synthesis.build_call([synthesis.Turn(text, is_apology=True, pause_after_s=0.5)],
                                              voice="espeak", seed=1, vocode_all=False, sr_out=16000)
    words = Transcriber(TranscriberOptions(initial_prompt=prompt)).words(audio.astype(np.float32))
    return "".join(w.text for w in words).lower()


def test_the_prompt_is_off_by_default():
    assert TranscriberOptions().initial_prompt is None


@pytest.mark.parametrize("text, expected", [
    ("Oops, my bad, I booked the wrong day.", "my bad"),
    ("My bad, totally forgot to post it.", "my bad"),
    ("Whoops, the wrong plan went live.", "whoops"),
])
def test_the_prompt_keeps_casual_forms_whisper_mishears(text, expected):
    heard = _heard(text, CASUAL_APOLOGY_PROMPT)
    assert expected in heard, heard
    assert "went live" in heard or "wrong day" in heard or "post it" in heard  # the rest is still heard
