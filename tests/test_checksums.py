"""Shipped model files are checked by sha256 before use (analyzer/checksums.py)."""

from __future__ import annotations

import pytest

from analyzer import laughter, speakers, textmodel
from analyzer.checksums import file_sha256, verify_sha256


@pytest.mark.parametrize("path, expected", [
    (textmodel.HEADS_PATH, textmodel.HEADS_SHA256),
    (laughter._model_dir() / "laughter.onnx", laughter.LAUGHTER_SHA256),
    (speakers.encoder_path(), speakers.ENCODER_SHA256),
    (speakers.model_path("voice_projection.npz"), speakers.PROJECTION_SHA256),
])
def test_shipped_models_match_their_recorded_hash(path, expected):
    assert file_sha256(path) == expected, f"{path} changed: retrain prints the new sha256 to record"


def test_a_changed_byte_is_refused_with_a_message(tmp_path):
    original = textmodel.HEADS_PATH.read_bytes()
    copy = tmp_path / "wording_heads.npz"
    copy.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
    verify_sha256(textmodel.HEADS_PATH, textmodel.HEADS_SHA256, "wording heads", textmodel.TextModelError)
    with pytest.raises(textmodel.TextModelError, match="is not the shipped wording heads's"):
        verify_sha256(copy, textmodel.HEADS_SHA256, "wording heads", textmodel.TextModelError)
