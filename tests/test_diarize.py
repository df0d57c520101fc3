"""Mono calls of both parties: only the agent is measured.

Two synthesised voices on one channel (the customer apologises too), with the customer
quieter and louder than the agent; enrolment on a call the customer opens; a stereo call
with --channel; the real telephone call scored against its .rttm speaker turns.
"""

import numpy as np
import pytest

pytest.importorskip("benchmarks.synthesis", reason="needs the synth extra")
from benchmarks.synthesis import Turn, build_call, save_call, speak  # noqa: E402

from analyzer.audio import DecodedAudio  # noqa: E402

AGENT_APOLOGY = "I am so sorry that you were charged twice for the same bill."
CUSTOMER_APOLOGY = "Oh, I'm sorry, I gave you the wrong account number a moment ago."


def _turns(customer_first: bool = False) -> list[Turn]:
    turns = [
        Turn("Thank you for calling the billing team, my name is Alex, how can I help?", pause_after_s=0.5),
        Turn("Hi, I was charged twice this month and I would like it fixed.", speaker="customer", pause_after_s=0.5),
        Turn("I have your account open now and I can see the last three statements.", pause_after_s=0.5),
        Turn(CUSTOMER_APOLOGY, speaker="customer", pause_after_s=0.5),
        Turn("No problem, the payment on the first of the month went through normally.", pause_after_s=0.6),
        Turn(AGENT_APOLOGY, is_apology=True, pause_after_s=0.5),
        Turn("Okay, thank you, when will the money come back to my card?", speaker="customer", pause_after_s=0.5),
        Turn("The refund for the second payment will reach your card within three days.", pause_after_s=0.4),
    ]
    if customer_first:
        turns.insert(0, Turn("Hello? Is this the billing team? I have a question about my bill.", speaker="customer", pause_after_s=0.5))
    return turns


def _mono(stereo: np.ndarray, customer_db: float) -> np.ndarray:
    mono = stereo[:, 1] + stereo[:, 0] * 10 ** (customer_db / 20)
    return (mono * min(1.0, 0.9 / np.max(np.abs(mono)))).astype(np.float32)


@pytest.fixture(scope="module")
def call():
    stereo, sr, truth = build_call(_turns(), voice="joe", customer_voice="hibari", seed=5, vocode_all=False)
    return stereo, sr, truth


@pytest.fixture(scope="module")
def reports(analyzer, call):
    stereo, sr, _ = call
    return {db: analyzer.analyze_samples(DecodedAudio(_mono(stereo, db), sr, 1, "mono"), {"path": f"mix{db:+}"}) for db in (-10.0, 15.0)}


def _texts(report) -> list[str]:
    return [a["text"].lower() for a in report["apologies"]]


@pytest.mark.parametrize("customer_db", [-10.0, 15.0], ids=["customer-quieter", "agent-15dB-quieter"])
def test_customer_apology_is_not_the_agents(reports, call, customer_db):
    report = reports[customer_db]
    texts = _texts(report)
    assert any("charged twice" in t for t in texts), texts
    assert not any("wrong account" in t or "gave you" in t for t in texts), texts
    agent_apology = call[2][0]
    for a in report["apologies"]:  # every reported apology lies in the agent's own speech
        assert a["start"] < agent_apology["end"] + 0.5 and a["end"] > agent_apology["start"] - 0.5, a["text"]


@pytest.mark.parametrize("customer_db", [-10.0, 15.0], ids=["customer-quieter", "agent-15dB-quieter"])
def test_two_speakers_are_reported(reports, customer_db):
    report = reports[customer_db]
    assert any(w.startswith("two speakers detected; measuring the agent") for w in report["warnings"]), report["warnings"]
    speakers = {t["speaker"] for t in report["speaker_turns"]}
    assert speakers == {"agent", "other"}
    assert report["agent_selection"]["method"] == "greeting"  # "Thank you for calling ..."
    assert report["agent_selection"]["phrase"] == "thank you for calling"
    assert report["agent_selection"]["speakers"] == 2
    assert report["speaker_turns"][0]["speaker"] == "agent"
    assert all(t["end"] > t["start"] for t in report["speaker_turns"])


def test_agent_speech_only_in_baseline(reports, analyzer, call):
    """The mixed call's baseline pitch is the agent's (joe, ~100 Hz), not the customer's."""
    stereo, sr, _ = call
    clean = analyzer.analyze_samples(DecodedAudio(stereo[:, 1].copy(), sr, 1, "mono"), {"path": "agent"}, speakers="1")
    clean_hz = clean["baseline"]["pitch_median_hz"]
    for report in reports.values():
        assert abs(12 * np.log2(report["baseline"]["pitch_median_hz"] / clean_hz)) < 1.0


def test_enrolment_names_the_agent_when_the_customer_speaks_first(analyzer):
    stereo, sr, _ = build_call(_turns(customer_first=True), voice="joe", customer_voice="hibari", seed=6, vocode_all=False)
    mono = DecodedAudio(_mono(stereo, 0.0), sr, 1, "mono")
    enrol = speak("Thank you for holding, I have your account open in front of me now.", "joe", sr, seed=9)
    enrolled = analyzer.analyze_samples(mono, {"path": "mix"}, voice=enrol)
    assert enrolled["agent_selection"]["method"] == "enrolment"
    assert enrolled["agent_selection"]["score"] > 0.05
    texts = _texts(enrolled)
    assert any("charged twice" in t for t in texts) and not any("wrong account" in t for t in texts), texts
    assert any("enrolled voice" in w for w in enrolled["warnings"])
    guessed = analyzer.analyze_samples(mono, {"path": "mix"})  # without it, the voice that greets
    assert guessed["agent_selection"]["method"] == "greeting"
    assert guessed["speaker_turns"][0]["speaker"] == "other"  # the customer's "Hello?" came first
    texts = _texts(guessed)
    assert any("charged twice" in t for t in texts) and not any("wrong account" in t for t in texts), texts


def test_greeting_phrases():
    from analyzer.greeting import greeting_in

    assert greeting_in("Thank you for calling Brightline, how can I help?") == "thank you for calling"
    assert greeting_in("Hi, how may I help you today?") == "how may i help"
    assert greeting_in("Hello? Is this the billing team? My name is Morgan.") is None


def test_agent_voice_option(tmp_path, call, capsys):
    from analyzer.faces.cli import main

    stereo, sr, _ = call
    save_call(tmp_path / "mix.wav", _mono(stereo, 0.0), sr, {})
    save_call(tmp_path / "agent.wav", speak("Thank you for holding, I have your account open in front of me now.", "joe", sr, seed=9), sr, {})
    code = main(["analyze", str(tmp_path / "mix.wav"), "--agent-voice", str(tmp_path / "agent.wav"), "--json", str(tmp_path / "r.json"), "--quiet"])
    assert code == 0
    assert "two speakers detected; measuring the agent (chosen by the enrolled voice)" in capsys.readouterr().err
    import json

    report = json.loads((tmp_path / "r.json").read_text())
    assert report["agent_selection"]["method"] == "enrolment"
    assert main(["analyze", str(tmp_path / "mix.wav"), "--agent-voice", str(tmp_path / "missing.wav"), "--quiet"]) == 2


def test_stereo_channel_needs_no_diarization(analyzer, call, tmp_path):
    stereo, sr, _ = call
    path = save_call(tmp_path / "stereo.wav", stereo, sr, {})
    report = analyzer.analyze_file(path, channel="right")
    assert report["agent_selection"]["method"] == "channel"
    assert report["speaker_turns"] == []
    assert not any("two speakers" in w for w in report["warnings"])
    alone = analyzer.analyze_samples(DecodedAudio(stereo[:, 1].copy(), sr, 1, "mono"), {"path": "agent"}, speakers="1")
    assert [a["text"] for a in report["apologies"]] == [a["text"] for a in alone["apologies"]]
    assert [f["kind"] for a in report["apologies"] for f in a["flags"]] == [f["kind"] for a in alone["apologies"] for f in a["flags"]]


def test_single_voice_stays_one_speaker(analyzer):
    from analyzer.analyze import sample_call_path

    report = analyzer.analyze_file(sample_call_path())
    assert report["agent_selection"]["method"] == "single_speaker"
    assert report["agent_selection"]["speakers"] == 1
    assert {t["speaker"] for t in report["speaker_turns"]} == {"agent"}
    assert not any("two speakers" in w for w in report["warnings"])


def test_real_telephone_call_against_rttm(analyzer, shared_data):
    """pyannote's two-party telephone sample with --speakers 2: the first speaker's time
    goes to the agent (auto finds two voices too: tests/test_voicecount.py)."""
    from analyzer.audio import load_audio

    folder = shared_data / "conversation" / "telephone_sample"
    audio = load_audio(folder / "sample.flac")
    diar = analyzer.separate(audio, speakers="2")
    assert diar.speakers == 2
    n = int(audio.duration_s * 100)
    act = {}
    for line in (folder / "sample.rttm").read_text().splitlines():
        f = line.split()
        act.setdefault(f[7], np.zeros(n, bool))[int(float(f[3]) * 100) : int((float(f[3]) + float(f[4])) * 100)] = True
    first = min(act, key=lambda s: int(np.argmax(act[s])))
    agent_ref, other_ref = act[first], next(v for k, v in act.items() if k != first)
    said = np.zeros(n, bool)
    for a, b, s in diar.turns:
        if s == "agent":
            said[int(a * 100) : int(b * 100)] = True
    solo_agent, solo_other = agent_ref & ~other_ref, other_ref & ~agent_ref
    assert np.sum(said & solo_agent) / np.sum(solo_agent) >= 0.9
    assert np.sum(said & solo_other) / np.sum(solo_other) <= 0.15  # measured 0.125 (df6ed3a and round 3; target 0.10 not met)


def test_bleed_gate_drops_the_far_end_on_the_agents_microphone(analyzer, call):
    """Live audio is the agent's own channel; the caller leaking in 25 dB below the agent is
    heard by the VAD and Whisper (its apology is reported) unless the bleed gate drops it."""
    from dataclasses import replace

    from analyzer.bleed import BleedOptions, active_level_db
    from analyzer.pipeline import run_to_end

    stereo, sr, _ = call
    agent, far = stereo[:, 1], stereo[:, 0]
    mic = agent + far * 10 ** ((active_level_db(agent) - active_level_db(far) - 25.0) / 20)

    def apologies(gate):
        options = replace(analyzer.options.pipeline, asr_pack_s=0.0, bleed_gate=gate)
        return [e.apology.text.lower() for e in run_to_end(analyzer.new_pipeline(options=options), mic) if e.type == "judged_apology"]

    ungated, gated = apologies(None), apologies(BleedOptions())
    assert any("charged twice" not in t for t in ungated), ungated  # the caller's "sorry" got in
    assert gated and all("charged twice" in t for t in gated), gated
