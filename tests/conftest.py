"""Shared fixtures: models are loaded once per test session, audio built once."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"


def need_shared() -> Path:
    """../shared/data, or skip with a clear reason (the project must test elsewhere too)."""
    if not DATA.is_dir():
        pytest.skip(f"needs the shared recordings at {DATA} (absent on this machine)")
    return DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return need_shared()


@pytest.fixture(scope="session")
def analyzer():
    """One Analyzer (Whisper tiny.en, VAD, laughter model, phrase lists) for the session."""
    from analyzer.analyze import AnalyzeOptions, Analyzer

    return Analyzer(AnalyzeOptions())


def synth_call(tmp_path_factory, turns: list, name: str, seed: int = 0) -> dict:
    """A synthetic agent call (hibari voice) saved as FLAC with its truth:
    {path, duration_s, truth}.  turns: [(text, Turn keyword arguments)]; skips without
    the synth extra."""
    try:
        from benchmarks.synthesis import Turn, build_call, save_call

        import hibari  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"test calls need the synth extra (pip install sincerity-analyzer[synth]): {exc}")
    audio, sr, truth = build_call([Turn(text, **kw) for text, kw in turns], voice="hibari", sr_out=16000, seed=seed)
    path = save_call(tmp_path_factory.mktemp(name) / "call.flac", audio, sr, truth)
    return {"path": path, "duration_s": len(audio) / sr, "truth": truth}


@pytest.fixture
def pulse(tmp_path):
    """A private PulseAudio daemon with a null sink; yields the client environment."""
    binary = shutil.which("pulseaudio")
    if binary is None or shutil.which("paplay") is None or shutil.which("pactl") is None:
        pytest.skip("PulseAudio is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)")
    runtime = tmp_path / "pulse"
    runtime.mkdir()
    socket = runtime / "native"
    sink = "sincerity_test"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime), "PULSE_RUNTIME_PATH": str(runtime)}
    log = open(tmp_path / "pulse.log", "w")
    # As root PulseAudio warns that it is meant for --system mode but runs as a user daemon.
    daemon = subprocess.Popen(
        [
            binary, "--daemonize=no", "--exit-idle-time=-1", "--system=false", "-n", "--use-pid-file=no",
            "--disallow-exit", "--log-target=stderr",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            f"--load=module-null-sink sink_name={sink} rate=16000 channels=1",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    client = {**env, "PULSE_SERVER": f"unix:{socket}", "PULSE_SOURCE": f"{sink}.monitor", "PULSE_SINK": sink}
    try:
        deadline = time.monotonic() + 15
        while subprocess.run(["pactl", "info"], env=client, capture_output=True).returncode != 0:
            if daemon.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"PulseAudio did not start: {(tmp_path / 'pulse.log').read_text()[-2000:]}")
            time.sleep(0.2)
        subprocess.run(["pactl", "set-default-source", f"{sink}.monitor"], env=client, check=True)
        yield {"env": client, "sink": sink, "daemon": daemon}
    finally:
        if daemon.poll() is None:
            daemon.terminate()
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        log.close()




def lose_microphone(proc: subprocess.Popen, pulse: dict, ready, settle_s: float = 2.0, timeout_s: float = 180) -> tuple:
    """Wait until ``ready()`` says the session in ``proc`` listens on the PulseAudio
    microphone, let it run ``settle_s``, kill the sound server; (stdout, stderr) once the
    process ended (killed if it hangs)."""
    try:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the session did not start listening: {proc.communicate(timeout=10) if proc.poll() is not None else 'timeout'}")
            time.sleep(0.2)
        time.sleep(settle_s)
        pulse["daemon"].kill()
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def synth_calls(tmp_path_factory) -> Path:
    """A folder of three short synthesised calls by two agents (tests/batch_calls.py)."""
    from tests.batch_calls import build_calls

    folder = tmp_path_factory.mktemp("synth_calls")
    build_calls(folder)
    return folder
