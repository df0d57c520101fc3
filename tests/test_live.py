"""Live capture (analyzer/live.py): a recording played at real-time pace, a real PortAudio
device fed by a PulseAudio null sink (no mock), catch-up when analysis falls behind, and a
missing device.

The test call is synthesised once per session (hibari voice, benchmarks/synthesis.py):
normal turns for the baseline, one rushed and one flat apology, about 30 s.  Not the piper
joe voice: its reshaped apologies are largely aperiodic, so its pitch flags hinge on a few
frames and flip with the VAD cut (a lead-in of 0.37 s turned 'flat' off); on hibari the
flags held at every lead-in tried (0-3.1 s).  The rushed line avoids "I'm so sorry" at
1.5x, which tiny.en hears as "And so, three" when the utterance is decoded on its own as
live does (the live/analyze recognition gap is measured by benchmarks/eval_accuracy.py
--live-asr, not asserted here).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from conftest import lose_microphone, synth_call

TONE = {"rushed", "cheerful", "flat", "nervous_laugh"}
SINCERITY = [sys.executable, "-m", "analyzer.cli"]

TURNS = [
    ("Thank you for calling Northwind support, my name is Sam, how can I help you today?", {}),
    ("Okay, let me pull up your account. Can you confirm the email address on file for me?", {}),
    ("Great, thank you. I can see the order you placed last Tuesday for the blue kettle.", {}),
    ("I apologize for the delay with your order.", {"is_apology": True, "speed": 1.5, "pause_after_s": 0.8}),
    ("The carrier shows a new delivery date of this Friday afternoon.", {}),
    ("I apologize for the trouble this has caused you.", {"is_apology": True, "excursion_scale": 0.3, "pause_after_s": 0.8}),
    ("I have added a credit of ten dollars to your account. Is there anything else I can help with?", {}),
]


@pytest.fixture(scope="session")
def call(tmp_path_factory) -> dict:
    """A ~30 s synthetic agent call: {path, duration_s, truth}."""
    return synth_call(tmp_path_factory, TURNS, "live_call")


def _run(args, timeout=240, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(SINCERITY + [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _tone_by_apology(flags: list[tuple[float, str]]) -> dict[float, set]:
    out = defaultdict(set)
    for start, kind in flags:
        if kind in TONE:
            out[round(start, 1)].add(kind)
    return out


def _match(live: list[dict], reference: list[dict], tolerance_s: float = 0.5) -> list[tuple[dict, dict]]:
    """Pair apologies of two runs by start time (live times may be shifted by a lead-in)."""
    pairs = []
    for ref in reference:
        near = [a for a in live if abs(a["start"] - ref["start"]) <= tolerance_s]
        assert near, f"apology at {ref['start']:.1f} s ({ref['text']!r}) not found live; live apologies: {[(a['start'], a['text']) for a in live]}"
        pairs.append((near[0], ref))
    return pairs


@pytest.fixture(scope="session")
def analyzed(call, tmp_path_factory) -> list[dict]:
    """`sincerity analyze` on the call: [{start, end, text, flags: [kind...]}]."""
    out = tmp_path_factory.mktemp("live_analyze") / "report.json"
    result = _run(["analyze", call["path"], "--json", out, "--quiet"])
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    return [{"start": a["start"], "end": a["end"], "text": a["text"], "flags": [f["kind"] for f in a["flags"]]} for a in report["apologies"]]


def _live_apologies(events: list[dict], shift_s: float = 0.0) -> list[dict]:
    """Apologies of a live run with their flags (grouped by apology start), times - shift."""
    apologies = {round(e["start"], 3): {"start": e["start"] - shift_s, "end": e["end"] - shift_s, "text": e["text"], "flags": []} for e in events if e["type"] == "apology"}
    for e in events:
        if e["type"] == "flag":
            apologies[round(e["apology_start_s"], 3)]["flags"].append(e["kind"])
    return sorted(apologies.values(), key=lambda a: a["start"])


@pytest.fixture(scope="session")
def realtime_run(call, tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("live_rt") / "events.jsonl"
    result = _run(["live", "--source", call["path"], "--realtime", "--no-view", "--jsonl", out])
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Session summary" in result.stdout
    return _jsonl(out)


def test_realtime_source_gives_the_same_tone_flags_as_analyze(call, analyzed, realtime_run):
    events = realtime_run
    assert events[0]["type"] == "status" and events[0]["status"] == "started"
    assert events[-1]["type"] == "summary" and events[-1]["end"] == "end of source"
    assert abs(events[-1]["audio_s"] - call["duration_s"]) < 0.1, "audio lost or added"
    flags = [e for e in events if e["type"] == "flag"]
    for f in flags:
        assert {"kind", "reason", "apology_start_s", "apology_end_s", "emitted_at_s", "category"} <= set(f)
        assert f["emitted_at_s"] >= f["apology_end_s"], f
    for kind in ("words", "apology", "measures", "judged_apology"):
        assert any(e["type"] == kind for e in events), f"no {kind} event"
    live = _live_apologies(events)
    assert len(live) == len(analyzed), (live, analyzed)
    for got, ref in _match(live, analyzed):
        assert set(got["flags"]) & TONE == set(ref["flags"]) & TONE, (got, ref)
    # the synthesised delivery that every run must catch
    truth = call["truth"]
    rushed = [a for a in live if abs(a["start"] - truth[0]["start"]) < 0.5]
    assert rushed and "rushed" in rushed[0]["flags"], live


def test_realtime_source_gives_the_same_wording_flags_as_analyze(analyzed, realtime_run):
    live = _live_apologies(realtime_run)
    for got, ref in _match(live, analyzed):
        assert sorted(got["flags"]) == sorted(ref["flags"]), (got, ref)


# --------------------------------------------------------------------------- PulseAudio


def test_live_on_a_pulseaudio_virtual_microphone(call, analyzed, pulse, tmp_path):
    out = tmp_path / "events.jsonl"
    duration = call["duration_s"] + 8.0
    live = subprocess.Popen(
        SINCERITY + ["live", "--device", "pulse", "--duration", f"{duration:.1f}", "--jsonl", str(out), "--no-view"],
        env=pulse["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = []
        for line in live.stdout:  # wait until the stream is open (models loaded and warm)
            lines.append(line)
            if "status started" in line:
                break
        else:
            pytest.fail(f"live did not start: {''.join(lines)} {live.stderr.read()}")
        time.sleep(2.0)  # PulseAudio delivers the first blocks ~1.6 s after the stream opens
        played = subprocess.run(["paplay", "-d", pulse["sink"], str(call["path"])], env=pulse["env"], capture_output=True, text=True, timeout=120)
        assert played.returncode == 0, played.stderr
        stdout, stderr = live.communicate(timeout=120)
    finally:
        if live.poll() is None:
            live.kill()
            live.wait()
    assert live.returncode == 0, stderr
    assert "Traceback" not in stderr
    events = _jsonl(out)
    summary = events[-1]
    assert summary["type"] == "summary" and summary["end"] == "duration reached", summary
    assert summary["overflows"] == 0 and summary["dropped_s"] == 0, summary
    apologies = [e for e in events if e["type"] == "apology"]
    assert apologies, f"no apology heard on the virtual microphone: {stdout}"
    # audio time on the device = time in the file + the silence before paplay started
    shift = apologies[0]["start"] - analyzed[0]["start"]
    assert -0.5 < shift < 30, shift
    got = _live_apologies(events, shift_s=shift)
    assert len(got) == len(analyzed), (got, analyzed)
    for g, ref in _match(got, analyzed):
        assert set(g["flags"]) & TONE == set(ref["flags"]) & TONE, (g, ref)
    assert "rushed" in got[0]["flags"], got
    for f in (e for e in events if e["type"] == "flag" and e["category"] == "tone"):
        assert 0 <= f["emitted_at_s"] - f["apology_end_s"] < 10, f


def test_device_that_disappears_ends_cleanly(pulse, tmp_path):
    """The sound server dies mid-session: a clear message, a summary, exit code 1."""
    out = tmp_path / "events.jsonl"
    live = subprocess.Popen(
        SINCERITY + ["live", "--device", "pulse", "--duration", "120", "--jsonl", str(out), "--no-view", "--no-laughter"],
        env=pulse["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    stdout, stderr = lose_microphone(live, pulse, lambda: "status started" in live.stdout.readline(), settle_s=3.0)
    assert live.returncode == 1, (stdout, stderr)
    assert "Traceback" not in stderr
    assert "Session summary (device lost)" in stdout
    assert [l for l in stderr.splitlines() if l.startswith("sincerity: error:")], stderr
    events = _jsonl(out)
    assert any(e["type"] == "status" and e["status"] == "device_lost" for e in events)
    assert events[-1]["type"] == "summary" and events[-1]["device_lost"]


def test_device_rate_is_resampled_to_16k():
    """A 48 kHz device: blocks are resampled to 16 kHz (streaming soxr) on the worker."""
    from analyzer.capture import AudioSource as _QueuedSource

    source = _QueuedSource(48000, 2400)
    t = np.arange(48000) / 48000
    x = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for i in range(0, len(x), 2400):
        source._push(x[i : i + 2400])
    y = source.read(0.1)
    assert source.captured_s() == pytest.approx(1.0)
    assert y.dtype == np.float32 and 15000 < len(y) <= 16000
    spectrum = np.abs(np.fft.rfft(y[2000:14000]))
    assert abs(np.argmax(spectrum) * 16000 / 12000 - 440) < 5


# --------------------------------------------------------------------------- catch-up


def test_falling_behind_skips_work_not_audio(call):
    """A listener that stalls the worker makes it fall behind: it says so, skips
    transcription of the backlog, catches up, and still accounts for every sample."""
    from analyzer.analyze import AnalyzeOptions, Analyzer
    from analyzer.audio import load_audio
    from analyzer.capture import FileSource
    from analyzer.session import LiveSession
    from analyzer.pipeline import PipelineOptions

    samples = load_audio(call["path"]).samples[: 16000 * 14]
    analyzer = Analyzer(AnalyzeOptions(pipeline=PipelineOptions(asr_pack_s=0.0, laughter=False)))
    events = []
    stalled = []

    def listener(event):
        events.append(event)
        if event.type == "words" and not stalled:
            stalled.append(event)
            time.sleep(8.0)

    source = FileSource(samples=samples, realtime=True)
    session = LiveSession(analyzer, source, [listener], max_behind_s=1.5)
    stats = session.run()
    statuses = [e.status for e in events if e.type == "status"]
    assert "behind" in statuses and "caught_up" in statuses, statuses
    assert stats.behind_events >= 1
    assert stats.skipped_utterances >= 1 and stats.skipped_speech_s > 0
    assert abs(stats.audio_s - len(samples) / 16000) < 0.01, "audio must not be dropped"
    assert stats.overflows == 0 and stats.dropped_s == 0
    summary = session.summary()
    assert summary["behind_events"] == stats.behind_events


# --------------------------------------------------------------------------- errors


def test_missing_device_is_one_clear_line():
    result = _run(["live", "--device", "99", "--no-view", "--duration", "1"], timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("sincerity: error:") and "99" in lines[0], result.stderr
    assert "sincerity devices" in lines[0]


def test_devices_lists_without_traceback():
    result = _run(["devices"], timeout=60)
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr


def test_realtime_needs_source():
    result = _run(["live", "--realtime", "--no-view"], timeout=60)
    assert result.returncode == 1 and "--realtime needs --source" in result.stderr
