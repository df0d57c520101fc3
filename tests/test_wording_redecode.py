"""The casual re-recognition (analyzer.wording_redecode): which utterances get a second,
primed recognition, and that it changes the wording judge's words only, never an
apology's span or delivery measures."""

from __future__ import annotations

import pytest

from analyzer.apology import ApologyFinder
from analyzer.wording_redecode import CasualRedecoder
from tests.words import words_from


@pytest.fixture(scope="module")
def redecoder():
    return CasualRedecoder(transcriber=None, finder=ApologyFinder())


@pytest.mark.parametrize("heard, suspect", [
    ("I'm sorry about that.", True),  # an apology: its casual words may have been lost
    ("Wilt or bad on that one?", True),  # "Welp, our bad" as tiny.en writes it
    ("Open my bed.", True),  # "Ope, my bad"
    ("Saws about that.", True),  # "Soz about that": the apology word lost, its object kept
    ("Appalls, that one's on us.", True),
    ("Okay.", False),
    ("Can I take the postcode please?", False),
    ("So the bill went to the old address and then we sent a second one to the new address on Friday.", False),
])
def test_which_utterances_are_recognised_again(redecoder, heard, suspect):
    words = words_from(heard)
    assert redecoder.suspect(words, ApologyFinder().find(words)) is suspect


def _analyze(path, redecode: bool):
    from analyzer.analyze import AnalyzeOptions, Analyzer
    from analyzer.pipeline import PipelineOptions

    return Analyzer(AnalyzeOptions(pipeline=PipelineOptions(asr_pack_s=24.0, casual_redecode=redecode))).analyze_file(path)


def test_the_second_recognition_changes_wording_only(tmp_path):
    """espeak's "My bad" reaches tiny.en as "my man" (tests/test_casual_prompt.py); the
    primed second recognition hears it, so ``casual`` is flagged, while every apology the
    first recognition found keeps its span and delivery measures."""
    synthesis = pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
    turns = [synthesis.Turn("So the parcel went to the wrong address.", pause_after_s=0.6),
             synthesis.Turn("My bad, totally forgot to update it.", is_apology=True, pause_after_s=0.6),
             synthesis.Turn("I'm sorry about the wait earlier.", is_apology=True, pause_after_s=0.6)]
    audio, sr, truth = synthesis.build_call(turns, voice="espeak", seed=3, vocode_all=False)
    path = tmp_path / "call.flac"
    synthesis.save_call(path, audio, sr, {"apologies": truth}, truth_path=tmp_path / "call.truth.json")
    off, on = _analyze(path, False), _analyze(path, True)
    assert "redecode" not in off["timings"]["stages_s"] and on["timings"]["stages_s"]["redecode"] > 0
    kinds_on = {f["kind"] for a in on["apologies"] for f in a["flags"]}
    assert "casual" in kinds_on, on["apologies"]
    first = {(a["start"], a["end"]): a for a in off["apologies"]}
    assert first, off["apologies"]
    for a in on["apologies"]:
        if (a["start"], a["end"]) in first:
            old = first[(a["start"], a["end"])]
            assert a["measures"] == old["measures"]
            assert [f for f in a["flags"] if f["category"] != "language"] == \
                [f for f in old["flags"] if f["category"] != "language"]
    assert set(first) <= {(a["start"], a["end"]) for a in on["apologies"]}
