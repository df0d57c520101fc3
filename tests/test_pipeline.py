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


@pytest.fixture(scope="module")
def early_rushed_apology():
    """A rushed apology after only one sentence (about 4 s of the agent's speech), then
    the rest of the call: live, its rate can only be compared with a population default."""
    synthesis = pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
    Turn = synthesis.Turn
    turns = [
        Turn("Thanks for calling the help desk, this is Sam speaking.", pause_after_s=1.0),
        Turn("I am so sorry about the mix up with the address on the label.", is_apology=True, speed=1.55, pause_after_s=1.2),
        Turn("I can see your order here, it was placed on Tuesday and shipped on Thursday morning.", pause_after_s=1.0),
        Turn("The tracking number shows that it left the warehouse in Denver yesterday evening.", pause_after_s=1.0),
        Turn("Let me check whether the courier has any update on the delivery window.", pause_after_s=1.0),
        Turn("It looks like the parcel is at your local depot and should go out on the next van.", pause_after_s=1.0),
        Turn("I will email you the new tracking details as soon as they come through.", pause_after_s=0.5),
    ]
    audio, sr, truth = synthesis.build_call(turns, voice="hibari", seed=11)
    assert sr == 16000
    return audio, truth


def _analyse(analyzer, audio, **options):
    from dataclasses import replace

    from analyzer.audio import DecodedAudio

    saved = analyzer.options
    analyzer.options = replace(saved, **options)
    try:
        return analyzer.analyze_samples(DecodedAudio(audio, 16000, 1, "mono"), {"path": "synth"})
    finally:
        analyzer.options = saved


def test_analyze_judges_an_early_apology_against_the_whole_call(analyzer, early_rushed_apology):
    audio, truth = early_rushed_apology
    report = _analyse(analyzer, audio)
    (apology,) = report["apologies"]
    baseline = apology["baseline"]
    # the agent's speech after the apology counts: far more than the 4 s heard before it
    assert baseline["rate_source"] == "call" and baseline["speech_s"] > 12.0, baseline
    assert baseline == report["baseline"]
    rushed = [f for f in apology["flags"] if f["kind"] == "rushed"]
    assert rushed and "this agent's usual" in rushed[0]["reason"], apology
    assert "population default" not in " ".join(f["reason"] for f in apology["flags"])


def test_running_baseline_option_judges_as_live_does(analyzer, early_rushed_apology):
    audio, truth = early_rushed_apology
    running = _analyse(analyzer, audio, whole_call_baseline=False)["apologies"][0]["baseline"]
    whole = _analyse(analyzer, audio)["apologies"][0]["baseline"]
    # live waits for the agent's own baseline, then judges against what was heard by then
    assert running["rate_source"] == "call" and running["speech_s"] < whole["speech_s"] - 5.0, (running, whole)


@pytest.mark.parametrize("hold_s", [20.0, 0.0], ids=["held-for-baseline", "judged-at-once"])
def test_live_never_calls_a_population_default_the_agents_usual(analyzer, early_rushed_apology, hold_s):
    from dataclasses import replace

    from analyzer.events import FlagEvent, JudgedApology
    from analyzer.pipeline import run_to_end

    audio, truth = early_rushed_apology
    options = replace(analyzer.options.pipeline, asr_pack_s=0.0, hold_for_baseline_s=hold_s)
    events = run_to_end(analyzer.new_pipeline(options=options), audio)
    (judged,) = [e for e in events if isinstance(e, JudgedApology)]
    tone = [e for e in events if isinstance(e, FlagEvent) and e.category == "tone"]
    if hold_s:
        # held until the agent's own rate and pitch were known, then judged against them
        assert judged.baseline.rate_source == "call" and judged.baseline.pitch_source == "call", judged.baseline
        assert any(f.kind == "rushed" for f in judged.flags), judged
        assert all(e.emitted_at_s - e.apology_end_s <= hold_s + 2.0 for e in tone)
    else:
        assert judged.baseline.rate_source == "default"
    for flag in judged.flags:
        if flag.category == "tone" and flag.kind != "nervous_laugh":
            source = judged.baseline.rate_source if flag.kind == "rushed" else judged.baseline.pitch_source
            assert ("this agent's usual" in flag.reason) == (source == "call"), flag
            assert ("population default" in flag.reason) == (source != "call"), flag
