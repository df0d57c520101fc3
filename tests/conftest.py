"""Shared fixtures: models are loaded once per test session, audio built once."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def synth_calls(tmp_path_factory) -> Path:
    """A folder of three short synthesised calls by two agents (tests/batch_calls.py)."""
    from tests.batch_calls import build_calls

    folder = tmp_path_factory.mktemp("synth_calls")
    build_calls(folder)
    return folder
