"""`rushed` on a short apology: "Sorry, go ahead." (5 syllables) said 1.6x faster than the
agent's other sentences measures fast, but a rate over 5 syllables is not judged (the rule
needs 6: on the held-out untuned4 calls 5-syllable apologies at 1.63x and 1.70x were not
rushed; README, How the thresholds were chosen), and the same words at the agent's own
speed measure at the agent's pace."""

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


def test_a_fast_five_syllable_apology_measures_fast_but_is_not_judged_rushed(short_apologies, analyzer):
    fast, usual = short_apologies
    assert fast["measures"]["syllables"] == usual["measures"]["syllables"] == 5, (fast["measures"], usual["measures"])
    assert fast["measures"]["rate_vs_baseline"] > 1.3 > usual["measures"]["rate_vs_baseline"]
    assert analyzer.options.pipeline.thresholds.rushed.min_syllables == 6
    assert "rushed" not in [f["kind"] for f in fast["flags"] + usual["flags"]], (fast, usual)
