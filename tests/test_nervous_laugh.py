"""nervous_laugh end to end: real laughs from ../shared/data mixed right after or over a
synthesised apology raise the flag; the same apologies without a laugh do not."""

import pytest

pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
from benchmarks.synthesis import Turn, build_call  # noqa: E402

BASELINE = [
    Turn("Hello, you are through to the billing team, my name is Alex.", pause_after_s=1.0),
    Turn("I have your account open now and I can see the last three statements.", pause_after_s=1.0),
    Turn("The payment on the first of the month went through without any problem.", pause_after_s=1.0),
    Turn("The second payment was taken again on the third, which should not have happened.", pause_after_s=1.2),
]
APOLOGY_A = "I am so sorry that you were charged twice for the same bill."
APOLOGY_B = "I apologize that nobody called you back last week."


@pytest.fixture(scope="module")
def laughs(shared_data):
    files = sorted((shared_data / "nonverbal/laughing").glob("*.flac"))
    assert len(files) >= 2
    return [str(files[3]), str(files[10])]


def _report(analyzer, turns):
    from analyzer.audio import DecodedAudio

    audio, sr, truth = build_call(BASELINE + turns, voice="hibari", seed=3)
    return analyzer.analyze_samples(DecodedAudio(audio, sr, 1, "mono"), {"path": "synth"}), truth


def _flags_by_truth(report, truth):
    out = []
    for t in truth:
        hits = [a for a in report["apologies"] if a["start"] < t["end"] and a["end"] > t["start"]]
        assert len(hits) == 1, (t["text"], [a["text"] for a in report["apologies"]])
        out.append({f["kind"] for f in hits[0]["flags"]})
    return out


@pytest.fixture(scope="module")
def with_and_without(analyzer, laughs):
    with_laugh = [
        Turn(APOLOGY_A, is_apology=True, laugh=(laughs[0], 0.2), pause_after_s=1.5),
        Turn("I will reverse the second payment today.", pause_after_s=1.5),
        Turn(APOLOGY_B, is_apology=True, laugh=(laughs[1], -1.0), pause_after_s=1.5),
        Turn("I will make sure someone follows up with you.", pause_after_s=0.5),
    ]
    without = [
        Turn(APOLOGY_A, is_apology=True, pause_after_s=1.5),
        Turn("I will reverse the second payment today.", pause_after_s=1.5),
        Turn(APOLOGY_B, is_apology=True, pause_after_s=1.5),
        Turn("I will make sure someone follows up with you.", pause_after_s=0.5),
    ]
    return _report(analyzer, with_laugh), _report(analyzer, without)


def test_laugh_after_or_over_an_apology_is_flagged(with_and_without):
    (report, truth), _ = with_and_without
    assert report["laughter"], "no laughter segment detected"
    flags = _flags_by_truth(report, truth)
    assert all("nervous_laugh" in f for f in flags), flags
    reasons = [f["reason"] for a in report["apologies"] for f in a["flags"] if f["kind"] == "nervous_laugh"]
    assert all("laughter" in r and " s" in r for r in reasons)
    assert all(a["measures"]["laughter_s"] > 0.3 for a in report["apologies"])


def test_same_apologies_without_laugh_are_not_flagged(with_and_without):
    _, (report, truth) = with_and_without
    flags = _flags_by_truth(report, truth)
    assert not any("nervous_laugh" in f for f in flags), flags
    assert report["laughter"] == []


def test_a_laugh_after_the_breath_an_apology_opens_is_flagged(analyzer, laughs):
    # The finder's sentence is "I'm so sorry." (about 0.7 s); the breath it opens runs
    # about 4 s more before the laugh, beyond the 1.5 s margin from the sentence's end.
    turn = "I'm so sorry. Two of the items were missing from your order as well, and the third one was damaged."
    report, truth = _report(analyzer, [Turn(turn, is_apology=True, laugh=(laughs[0], 0.2), pause_after_s=1.5),
                                       Turn("I will send the missing items out today.", pause_after_s=0.5)])
    (flags,) = _flags_by_truth(report, truth)
    assert "nervous_laugh" in flags, (flags, report["apologies"], report["laughter"])
