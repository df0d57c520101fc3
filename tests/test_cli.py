"""The command line: exit codes and one-line messages for user mistakes."""

import json

import numpy as np
import pytest
import soundfile as sf

from analyzer.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_missing_and_unreadable_files(tmp_path, capsys, analyzer):
    code, _, err = run(capsys, "analyze", str(tmp_path / "nope.wav"))
    assert code == 1 and "no such file" in err
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"\x00garbage" * 100)
    code, _, err = run(capsys, "analyze", str(bad))
    assert code == 1 and "not a readable audio file" in err


def test_no_input_and_bad_config_are_usage_errors(tmp_path, capsys):
    code, _, err = run(capsys, "analyze")
    assert code == 2 and "--sample" in err
    cfg = tmp_path / "c.toml"
    cfg.write_text("[rushed]\nmin_rate_ratio = 'fast'\n")
    wav = tmp_path / "x.wav"
    sf.write(wav, np.zeros(1600), 16000)
    code, _, err = run(capsys, "analyze", str(wav), "--config", str(cfg))
    assert code == 2 and "rushed.min_rate_ratio" in err


def test_silent_audio_gives_a_warning_and_a_valid_report(tmp_path, capsys, analyzer):
    wav = tmp_path / "silent.wav"
    sf.write(wav, np.zeros(16000 * 4), 8000, subtype="ULAW")
    out_json = tmp_path / "r.json"
    code, _, err = run(capsys, "analyze", str(wav), "--json", str(out_json), "--quiet")
    assert code == 0 and "silent" in err
    report = json.loads(out_json.read_text())
    assert report["schema"] == "sincerity.report/1" and report["apologies"] == []
    assert abs(report["duration_s"] - 8.0) < 0.01


def test_missing_channel_is_an_error(tmp_path, capsys, analyzer):
    wav = tmp_path / "stereo.wav"
    sf.write(wav, np.zeros((16000, 2)), 16000)
    code, _, err = run(capsys, "analyze", str(wav), "--channel", "5")
    assert code == 1 and "channel '5' does not exist" in err


def test_folder_of_mixed_files_analyses_audio_and_names_the_rest(tmp_path, capsys, analyzer, shared_data):
    folder = tmp_path / "calls"
    folder.mkdir()
    y, sr = sf.read(shared_data / "conversation/telephone_sample/sample.flac")
    sf.write(folder / "a.wav", y[: sr * 8], sr)
    sf.write(folder / "b.flac", y[sr * 8 : sr * 16], sr)
    (folder / "notes.txt").write_text("agent notes")
    (folder / "broken.wav").write_bytes(b"RIFF....WAVE")
    out = tmp_path / "reports"
    code, stdout, err = run(capsys, "analyze", str(folder), "--json", str(out), "--quiet")
    assert code == 1  # one recording failed: said, not hidden
    assert "notes.txt: skipped" in err and "broken.wav" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json", "batch_summary.json"]
    summary = json.loads((out / "batch_summary.json").read_text())
    assert summary["failed"] == 1 and len(summary["files"]) == 2


def test_beam_size_is_checked_and_recorded(tmp_path, capsys, analyzer):
    with pytest.raises(SystemExit) as exit_info:  # argparse: usage error
        main(["analyze", "--sample", "--beam-size", "0"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "--beam-size" in err and "at least 1" in err
    out_json = tmp_path / "beam5.json"
    code, _, _ = run(capsys, "analyze", "--sample", "--beam-size", "5", "--json", str(out_json), "--quiet")
    assert code == 0
    report = json.loads(out_json.read_text())
    assert report["model"]["beam_size"] == 5
    from analyzer.analyze import sample_call_path

    truth = json.loads(sample_call_path().with_name("sample_call.truth.json").read_text())
    found = [a["start"] for a in report["apologies"]]
    assert all(any(abs(s - t["start"]) < 1.0 for s in found) for t in truth), (found, truth)
