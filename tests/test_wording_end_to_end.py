"""Wording flags end to end: synthesised speech -> Whisper -> apology -> language flags.
Each kind fires on a flawed apology and not on a close, well-made one."""

import pytest

pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
from benchmarks.synthesis import Turn, build_call  # noqa: E402

OPENING = [
    Turn("Thank you for calling, my name is Robin and I will be looking after you today.", pause_after_s=1.0),
    Turn("I have your booking open, it is the one for the twelfth of March.", pause_after_s=1.5),
]
FLAWED = [
    ("I'm sorry, but our policy does not allow refunds after thirty days.", {"qualified"}),
    ("Oops, my bad, sorry about that.", {"casual"}),
    ("We apologize for any inconvenience this may have caused.", {"scripted", "no_empathy"}),
    ("Sorry, it happens, it's no big deal.", {"minimizing"}),
]
GOOD = [
    "I'm so sorry the room was not ready when you arrived, that must have been exhausting after a long flight.",
    "Let me move you to a suite tonight at no extra cost.",
]


def _analyse(analyzer, turns):
    from analyzer.audio import DecodedAudio

    audio, sr, truth = build_call(OPENING + turns, voice="hibari", seed=11)
    return analyzer.analyze_samples(DecodedAudio(audio, sr, 1, "mono"), {"path": "synth"}), truth


@pytest.fixture(scope="module")
def flawed(analyzer):
    turns = []
    for text, _ in FLAWED:
        turns.append(Turn(text, is_apology=True, pause_after_s=1.0))
        turns.append(Turn("Is there anything else on the booking you would like me to look at?", pause_after_s=2.0))
    return _analyse(analyzer, turns)


@pytest.fixture(scope="module")
def good(analyzer):
    return _analyse(analyzer, [Turn(GOOD[0], is_apology=True, pause_after_s=0.4), Turn(GOOD[1], pause_after_s=1.0)])


def _language(apology):
    return {f["kind"] for f in apology["flags"] if f["category"] == "language"}


@pytest.mark.parametrize("index", range(len(FLAWED)))
def test_flawed_apology_gets_its_wording_flag(flawed, index):
    report, truth = flawed
    text, expected = FLAWED[index]
    t = truth[index]
    hits = [a for a in report["apologies"] if a["start"] < t["end"] and a["end"] > t["start"]]
    assert hits, f"{text!r} not found: {[a['text'] for a in report['apologies']]}"
    got = set().union(*(_language(a) for a in hits))
    assert expected <= got, f"{text!r}: {got}"
    reasons = [f["reason"] for a in hits for f in a["flags"] if f["kind"] in expected]
    assert all('"' in r for r in reasons), reasons  # quotes the words


def test_well_made_apology_gets_no_wording_flag(good):
    report, _ = good
    assert len(report["apologies"]) == 1
    assert _language(report["apologies"][0]) == set()
    assert report["summary"]["followed_through"] == 1
