"""Decoding recordings: formats, rates, channels, telephony codecs, bad input."""

import numpy as np
import pytest
import soundfile as sf

from analyzer.audio import SAMPLE_RATE, AudioError, load_audio, resample
from tests.conftest import need_shared


@pytest.fixture(scope="module")
def call_16k():
    data = need_shared()
    y, sr = sf.read(data / "conversation/telephone_sample/sample.flac", dtype="float32")
    assert sr == 16000
    return y[: 10 * sr]


def _corr(a, b):
    n = min(len(a), len(b))
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


@pytest.mark.parametrize("fmt,subtype", [("WAV", "PCM_16"), ("FLAC", "PCM_16"), ("OGG", "VORBIS"), ("MP3", "MPEG_LAYER_III")])
def test_formats_decode_to_the_same_speech(tmp_path, call_16k, fmt, subtype):
    path = tmp_path / f"call.{fmt.lower()}"
    sf.write(path, call_16k, 16000, format=fmt, subtype=subtype)
    audio = load_audio(path)
    assert audio.source_channels == 1 and audio.channel == "mono"
    assert abs(audio.duration_s - 10.0) < 0.1
    if fmt in ("WAV", "FLAC"):
        assert _corr(audio.samples, call_16k) > 0.999


def test_m4a_decodes_through_pyav(tmp_path, call_16k):
    av = pytest.importorskip("av")
    path = tmp_path / "call.m4a"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray((call_16k * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    audio = load_audio(path)
    assert abs(audio.duration_s - 10.0) < 0.2


@pytest.mark.parametrize("subtype", ["ULAW", "ALAW"])
def test_8khz_telephony_wav_is_resampled_once_to_16k(tmp_path, call_16k, subtype):
    y8 = resample(call_16k, 16000, 8000)
    path = tmp_path / f"call_{subtype}.wav"
    sf.write(path, y8, 8000, subtype=subtype)
    audio = load_audio(path)
    assert audio.source_rate == 8000
    assert abs(audio.duration_s - 10.0) < 0.05
    assert _corr(audio.samples, resample(y8, 8000, SAMPLE_RATE)) > 0.99


def test_stereo_channel_selection(tmp_path, call_16k):
    other = np.roll(call_16k, 16000) * 0.5
    path = tmp_path / "stereo.wav"
    sf.write(path, np.stack([other, call_16k], axis=1), 16000)
    right = load_audio(path, "right")
    left = load_audio(path, "left")
    assert right.channel == "right" and _corr(right.samples, call_16k) > 0.999
    assert _corr(left.samples, other) > 0.999
    assert _corr(load_audio(path, 1).samples, call_16k) > 0.999
    assert load_audio(path, "mix").channel == "mix"
    with pytest.raises(AudioError, match="does not exist: the file has 2 channel"):
        load_audio(path, 2)
    with pytest.raises(AudioError, match="unknown channel"):
        load_audio(path, "centre")


def test_bad_inputs_give_one_line_errors(tmp_path):
    with pytest.raises(AudioError, match="no such file"):
        load_audio(tmp_path / "missing.wav")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        load_audio(empty)
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n" * 20)
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_audio(text)
    with pytest.raises(AudioError, match="is a directory"):
        load_audio(tmp_path)
