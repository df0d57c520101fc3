"""`rushed` on a short apology: "Sorry, go ahead." (5 syllables) said 1.6x faster than the
agent's other sentences is flagged, and the same words at the agent's own speed are not
(until round 4 the rule judged 6+ syllables only; calibrate.py's real sentences of 5+
syllables are flagged no more often than those of 6+: README, How the thresholds were
chosen)."""

import pytest

from tests.test_tone_flags import BASELINE, CLOSE

synthesis = pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
from benchmarks.synthesis import Turn, build_call  # noqa: E402


@pytest.fixture(scope="module")
def short_apologies(analyzer):
    from analyzer.audio import DecodedAudio

    turns = BASELINE + [
        Turn("Sorry, go ahead.", is_apology=True, speed=1.6, pause_after_s=1.2),
        Turn("I will ask the depot to put it on the first van tomorrow.", pause_after_s=1.2),
        Turn("The courier will call you before they arrive.", pause_after_s=1.2),
        Turn("Sorry, go ahead.", is_apology=True, pause_after_s=1.2),
        Turn("You should receive a text message with a time slot.", pause_after_s=1.2),
        CLOSE,
    ]
    audio, sr, truth = build_call(turns, voice="espeak", seed=7)
    report = analyzer.analyze_samples(DecodedAudio(audio, sr, 1, "mono"), {"path": "synth-short-rushed"})
    found = []
    for t in truth:
        (hit,) = [a for a in report["apologies"] if a["start"] < t["end"] and a["end"] > t["start"]]
        found.append(hit)
    return found


def test_a_fast_five_syllable_apology_is_rushed_and_the_same_words_at_the_agents_pace_are_not(short_apologies):
    fast, usual = short_apologies
    assert fast["measures"]["syllables"] == usual["measures"]["syllables"] == 5, (fast["measures"], usual["measures"])
    assert "rushed" in [f["kind"] for f in fast["flags"]], fast
    assert "rushed" not in [f["kind"] for f in usual["flags"]], usual
    assert fast["measures"]["rate_vs_baseline"] > 1.3 > usual["measures"]["rate_vs_baseline"]
