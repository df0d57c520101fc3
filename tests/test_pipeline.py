"""The streaming pipeline on real speech: block-size independence, no false flags."""

import numpy as np
import pytest

from analyzer.audio import load_audio
from analyzer.vad import FRAME_S, UtteranceSegmenter, VadOptions


@pytest.fixture(scope="module")
def telephone(shared_data):
    return load_audio(shared_data / "conversation/telephone_sample/sample.flac")


def _utterances(samples, block=16000, options=VadOptions()):
    seg = UtteranceSegmenter(options)
    out = []
    for i in range(0, len(samples), block):
        out += seg.feed(samples[i : i + block])
    return out + seg.flush()


def _segments(samples, block):
    return [(round(u.start, 3), round(u.end, 3)) for u in _utterances(samples, block)]


def test_vad_utterances_do_not_depend_on_block_size(telephone):
    a = _segments(telephone.samples, 16000)
    b = _segments(telephone.samples, 1234)
    assert a == b
    assert len(a) >= 3
    # Utterances are cut within Whisper's window and cover the talk (first words at ~6.7 s).
    assert all(end - start <= 12.5 for start, end in a)
    assert 6.0 < a[0][0] < 8.0


def test_vad_finds_no_speech_in_silence_or_noise():
    rng = np.random.default_rng(0)
    seg = UtteranceSegmenter()
    quiet_noise = (rng.standard_normal(16000 * 5) * 0.001).astype(np.float32)
    assert seg.feed(np.zeros(16000 * 5, np.float32)) + seg.feed(quiet_noise) + seg.flush() == []


def test_conversation_and_read_speech_without_apologies_raise_no_flags(analyzer, shared_data):
    files = [shared_data / "conversation/telephone_sample/sample.flac", *sorted((shared_data / "conversation/ami").glob("*.flac"))[:2]]
    files += sorted((shared_data / "speech/librispeech").rglob("*.flac"))[:4]
    for path in files:
        report = analyzer.analyze_file(path)
        assert report["words"], f"{path.name}: no words recognised"
        tone = [f for a in report["apologies"] for f in a["flags"] if f["category"] == "tone"]
        assert tone == [], f"{path.name}: {tone}"


def test_report_contract_fields(analyzer, telephone):
    report = analyzer.analyze_samples(telephone, {"path": "telephone"})
    assert report["schema"] == "sincerity.report/1"
    assert report["duration_s"] == 30.0
    assert isinstance(report["apologies"], list) and isinstance(report["laughter"], list)
    assert report["timings"]["real_time_factor"] > 0
    assert report["baseline"]["rate_source"] == "call"
    assert 3.0 < report["baseline"]["speaking_rate_sps"] < 7.0
    words = report["words"]
    assert all(w["start"] <= w["end"] for w in words)
    assert words == sorted(words, key=lambda w: w["start"])


def test_vad_starts_telephone_words_where_the_voice_starts(telephone):
    """On 8 kHz audio Silero is unsure (0.1-0.45) through the start of a word; looking
    back from where it crosses 0.5 keeps the first word whole."""
    with_lookback = _utterances(telephone.samples)
    without = _utterances(telephone.samples, options=VadOptions(onset_lookback_s=0.0))
    assert len(with_lookback) == len(without)
    earlier = [b.start - a.start for a, b in zip(with_lookback, without)]
    assert all(e >= 0 for e in earlier), earlier
    assert max(earlier) >= 0.1, earlier  # some onsets really were late
    assert all(e <= 0.6 + 1e-6 for e in earlier), earlier  # never more than the look-back
    for u in with_lookback:
        assert u.start <= u.onset_s <= u.end
        assert u.onset_s - u.start <= round(0.15 / FRAME_S) * FRAME_S + 1e-6  # the pad before the voice


@pytest.fixture(scope="module")
def sorry_then_request():
    """A bare "Sorry." and, after a pause that ends the utterance, a repeat request; then a
    bare "I'm sorry." followed by empathy (an apology)."""
    synthesis = pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
    Turn = synthesis.Turn
    turns = [
        Turn("Thank you for calling, my name is Robin and I will be looking after you today.", pause_after_s=1.0),
        Turn("I have your booking open, it is the one for the twelfth of March.", pause_after_s=1.5),
        Turn("Sorry.", pause_after_s=0.6),
        Turn("You cut out for a second there, could you say the date again?", pause_after_s=2.0),
        Turn("I'm so sorry.", is_apology=True, pause_after_s=0.6),
        Turn("That must have been really frustrating.", pause_after_s=1.5),
    ]
    audio, sr, truth = synthesis.build_call(turns, voice="hibari", seed=5)
    assert sr == 16000
    return audio, truth


@pytest.mark.parametrize("asr_pack_s", [24.0, 0.0], ids=["packed", "per-utterance"])
def test_a_sorry_that_opens_a_repeat_request_across_a_pause_is_no_apology(analyzer, sorry_then_request, asr_pack_s):
    from dataclasses import replace

    from analyzer.events import ApologyEvent, JudgedApology
    from analyzer.pipeline import run_to_end

    audio, truth = sorry_then_request
    pipeline = analyzer.new_pipeline(options=replace(analyzer.options.pipeline, asr_pack_s=asr_pack_s))
    events = run_to_end(pipeline, audio)
    words = [w.text for e in events if e.type == "words" for w in e.words]
    assert sum("sorry" in w.lower() for w in words) == 2, " ".join(words)  # both were heard
    judged = [e for e in events if isinstance(e, JudgedApology)]
    assert len(judged) == 1, [j.apology.text for j in judged]
    (apology,) = truth
    assert abs(judged[0].apology.start - apology["start"]) < 1.0
    assert len([e for e in events if isinstance(e, ApologyEvent)]) == 1
