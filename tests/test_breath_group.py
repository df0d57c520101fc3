"""An apology's tone is measured over what is said with it in one breath (real synthesised
speech through the whole analyzer): "I'm sorry, I think I put you through to the wrong
department" is one delivery, however Whisper punctuates it."""

import pytest

from tests.conftest import synth_call

BASELINE = [
    "Thanks for calling the help desk, this is Sam speaking.",
    "I can see your order here, it was placed on Tuesday and shipped on Thursday.",
    "The tracking number shows that it left the warehouse in Denver yesterday evening.",
    "Let me check whether the courier has any update on the delivery window.",
    "It looks like the parcel is at your local depot and should go out on the next van.",
]


@pytest.fixture(scope="module")
def cheerful_short_apology(tmp_path_factory):
    """A short apology keyword opening a longer turn, the whole turn raised and sing-song."""
    turns = [(s, {"pause_after_s": 1.0}) for s in BASELINE]
    turns.append(("I'm so sorry. I think I put you through to the wrong department earlier.", {"is_apology": True, "shift_semitones": 4.0, "excursion_scale": 2.0, "pause_after_s": 1.2}))
    turns += [("I will email you the new tracking details as soon as they come through.", {"pause_after_s": 1.0}),
              ("Is there anything else I can help you with today?", {"pause_after_s": 0.5})]
    return synth_call(tmp_path_factory, turns, "breath", seed=5)


def test_the_apology_is_measured_over_its_breath_group_and_flagged(analyzer, cheerful_short_apology):
    report = analyzer.analyze_file(cheerful_short_apology["path"])
    (truth,) = cheerful_short_apology["truth"]
    (apology,) = [a for a in report["apologies"] if a["end"] > truth["start"] and a["start"] < truth["end"]]
    m = apology["measures"]
    # the breath group is the whole turn; pitch and rate are measured over at least 3 s of it
    covered = min(m["breath_end_s"], truth["end"]) - max(m["breath_start_s"], truth["start"])
    assert covered >= 0.9 * (truth["end"] - truth["start"]), (m, truth)
    start = m["measured_start_s"] if m["measured_start_s"] is not None else apology["start"]
    end = m["measured_end_s"] if m["measured_end_s"] is not None else apology["end"]
    assert end - start >= min(3.0, 0.9 * (truth["end"] - truth["start"])), (start, end, truth)
    assert m["voiced_s"] >= 1.0, m  # the turn's voicing, not two words'
    assert "cheerful" in [f["kind"] for f in apology["flags"]], apology
    # the raised turn stays out of the usual pitch it is judged against
    assert m["pitch_shift_st"] >= 2.5, m
