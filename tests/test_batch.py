"""Batches (``sincerity analyze DIR --out OUT``): bad files reported and the batch goes on,
resume by content + settings, kills leave only complete results, local workers and a real
local Ray cluster give the same reports."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzer.analyze import AnalyzeOptions, sample_call_path
from analyzer.batch import run_batch
from analyzer.batch_inputs import discover
from analyzer.cli import main
from tests.batch_calls import add_bad_files, copy_calls
from tests.conftest import ROOT

AGENT_PATTERN = r"agent_(?P<agent>[a-z]+)/"


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def comparable(report_path: Path) -> dict:
    """A stored report without what legitimately differs between runs (wall-clock timings)."""
    report = json.loads(report_path.read_text())
    report.pop("timings")
    return report


@pytest.fixture(scope="module")
def batch_dir(synth_calls, tmp_path_factory):
    """The synthesised calls plus bad files, analysed once with --jobs 2."""
    root = tmp_path_factory.mktemp("batch")
    calls = copy_calls(synth_calls, root / "in")
    expected = add_bad_files(calls / "bad", sample_call_path())
    return root, calls, expected


@pytest.fixture(scope="module")
def first_run(batch_dir):
    root, calls, _ = batch_dir
    out = root / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "analyze", str(calls), "--out", str(out), "--jobs", "2", "--agent-pattern", AGENT_PATTERN],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600,
    )
    return out, proc


def test_batch_completes_and_reports_each_bad_file(batch_dir, first_run):
    _, calls, expected = batch_dir
    out, proc = first_run
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr  # something failed: the exit code says so
    for name, words in expected.items():
        line = next(l for l in proc.stderr.splitlines() if name in l and "error" in l)
        assert words in line
    assert "notes.txt: skipped" in proc.stderr and "folder.wav: skipped, a folder" in proc.stderr
    with open(out / "summary.csv", newline="") as handle:
        rows = {r["name"]: r for r in csv.DictReader(handle)}
    assert {n for n, r in rows.items() if r["status"] == "failed"} == {f"bad/{Path(n).stem}" for n in expected}
    for name, words in expected.items():
        assert words in rows[f"bad/{Path(name).stem}"]["error"]
        assert (out / "bad" / f"{Path(name).stem}.error.json").is_file()
    assert rows["bad/silent"]["status"] == "done" and rows["bad/silent"]["apologies"] == "0"
    for i, agent in enumerate(["ann", "bob", "ann"]):
        row = rows[f"agent_{agent}/call_{i}"]
        assert row["status"] == "done" and row["agent"] == agent and int(row["apologies"]) >= 1
        report = json.loads((out / f"agent_{agent}" / f"call_{i}.json").read_text())
        assert report["schema"] == "sincerity.report/1" and report["timeline"]["pitch"]["st"]
        assert (out / f"agent_{agent}" / f"call_{i}.html").read_text().rstrip().endswith("</html>")
    import pyarrow.parquet as pq

    table = pq.read_table(out / "summary.parquet").to_pylist()
    assert [r["name"] for r in table] == list(rows)
    agents = {r["agent"]: r for r in pq.read_table(out / "agents.parquet").to_pylist()}
    assert agents["ann"]["calls"] == 2 and agents["bob"]["calls"] == 1
    assert agents["unknown"]["failed"] == len(expected)
    assert "ann" in proc.stdout and "bob" in proc.stdout  # the agent table, printed
    index = (out / "index.html").read_text()
    assert 'href="agent_ann/call_0.html"' in index and "too low for speech analysis" in index


def test_rerun_skips_and_a_changed_file_is_redone(batch_dir, first_run, capsys):
    _, calls, expected = batch_dir
    out, _ = first_run
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}
    code, stdout, err = run_cli(capsys, "analyze", calls, "--out", out, "--jobs", "2", "--agent-pattern", AGENT_PATTERN)
    assert code == 1  # the bad files are still bad
    assert "0 analysed, 4 already done, 4 failed" in stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == before  # nothing rewritten
    changed = calls / "agent_bob" / "call_1.flac"
    y, sr = sf.read(changed, dtype="float32")
    sf.write(changed, np.concatenate([y, np.zeros(sr, np.float32)]), sr)
    code, stdout, _ = run_cli(capsys, "analyze", calls, "--out", out, "--jobs", "1", "--quiet", "--agent-pattern", AGENT_PATTERN)
    assert code == 1
    report = json.loads((out / "agent_bob" / "call_1.json").read_text())
    assert abs(report["duration_s"] - len(y) / sr - 1.0) < 0.01
    assert [p for p, t in before.items() if p.stat().st_mtime_ns != t] == [out / "agent_bob" / "call_1.json"]


def test_settings_change_redoes_and_force_redoes_all(synth_calls, tmp_path):
    calls, _ = discover([synth_calls])
    calls = calls[:1]
    out = tmp_path / "out"
    assert run_batch(calls, out, AnalyzeOptions(timeline=True), jobs=1).done == [calls[0].name]
    assert run_batch(calls, out, AnalyzeOptions(timeline=True), jobs=1).skipped == [calls[0].name]
    assert run_batch(calls, out, AnalyzeOptions(timeline=True, all_speech=True), jobs=1).done == [calls[0].name]
    assert run_batch(calls, out, AnalyzeOptions(timeline=True, all_speech=True), jobs=1, force=True).done == [calls[0].name]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_stopped_run_leaves_only_complete_results(synth_calls, tmp_path, stop):
    calls = copy_calls(synth_calls, tmp_path / "in")
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "analyzer.cli", "analyze", str(calls), "--out", str(out), "--jobs", "1", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Ctrl-C as in a terminal: a suite started in the background (``cmd &``) inherits SIGINT
    # ignored, and the run would never see it
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while not any(out.rglob("call_*.json")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, stop)  # the run and its worker processes, mid-batch (Ctrl-C reaches the whole group too)
    _, err = proc.communicate(timeout=120)
    if stop == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err.decode() and "Traceback" not in err.decode()
    finished = sorted(out.rglob("call_*.json"))
    assert 1 <= len(finished) < 3, "the kill must land after the first result and before the last"
    for path in out.rglob("*"):
        if path.is_file() and ".tmp-" not in path.name:
            if path.suffix == ".json":
                assert json.loads(path.read_text())["batch"]["key"]  # complete, parseable
            if path.suffix == ".html":
                assert path.read_text().rstrip().endswith("</html>")
    rerun = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(finished)} already done" in rerun.stderr
    assert len(list(out.rglob("call_*.json"))) == 3 and not list(out.rglob("*.tmp-*"))


@pytest.fixture(scope="module")
def ray_address():
    """A real local Ray cluster: the one .ci/run started, else a head started here."""
    pytest.importorskip("ray")
    if subprocess.run(["ray", "status"], capture_output=True, timeout=60).returncode == 0:
        yield "auto"
        return
    start = subprocess.run(["ray", "start", "--head", "--num-cpus", "2", "--disable-usage-stats", "--include-dashboard=false"], capture_output=True, text=True, timeout=180)
    assert start.returncode == 0, start.stderr
    try:
        yield "auto"
    finally:
        subprocess.run(["ray", "stop"], capture_output=True, timeout=120)


def test_jobs_2_and_ray_give_identical_reports(batch_dir, first_run, ray_address, tmp_path):
    _, calls, expected = batch_dir
    local_out, _ = first_run
    inputs, _ = discover([calls])
    result = run_batch(inputs, tmp_path / "ray", AnalyzeOptions(timeline=True), ray_address=ray_address, render_html=lambda r, href, audio: "<html></html>")
    assert len(result.failed) == len(expected) and len(result.done) == len(inputs) - len(expected)
    for name in result.done:
        assert comparable(tmp_path / "ray" / f"{name}.json") == comparable(local_out / f"{name}.json"), name
    again = run_batch(inputs, tmp_path / "ray", AnalyzeOptions(timeline=True), ray_address=ray_address, render_html=lambda r, href, audio: "<html></html>")
    assert again.done == [] and sorted(again.skipped) == sorted(result.done)  # resume works the same


def test_bad_inputs_each_end_in_one_line(tmp_path, capsys, analyzer):
    bad = tmp_path / "bad"
    expected = add_bad_files(bad, sample_call_path())
    for name, words in expected.items():
        code, _, err = run_cli(capsys, "analyze", bad / name, "--quiet")
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1, err
    code, _, err = run_cli(capsys, "analyze", bad / "folder.wav", "--out", tmp_path / "o1")
    assert code == 1 and "holds no supported audio" in err and "nothing to analyse" in err
    empty = tmp_path / "no_audio"
    empty.mkdir()
    (empty / "readme.txt").write_text("x")
    code, _, err = run_cli(capsys, "analyze", empty, "--out", tmp_path / "o2")
    assert code == 1 and "folder holds no supported audio files" in err
    code, _, err = run_cli(capsys, "analyze", bad / "notes.txt" / "call.wav", "--out", tmp_path / "o3")
    assert code == 1 and "notes.txt/call.wav: no such file" in err  # a path through a file


def test_unreadable_file_is_a_failed_call_not_a_crash(tmp_path, capsys):
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="sincerity-perm-"))
    try:
        os.chmod(work, 0o777)
        locked = work / "locked.wav"
        sf.write(locked, np.zeros(16000, np.float32), 16000)
        os.chmod(locked, 0)
        as_root = os.geteuid() == 0
        if as_root:  # root reads anything: check as an ordinary user, as a real user would run it
            os.setegid(65534)
            os.seteuid(65534)
        try:
            code, _, err = run_cli(capsys, "analyze", work, "--out", work / "out")
        finally:
            if as_root:
                os.seteuid(0)
                os.setegid(0)
        assert code == 1 and "locked.wav: cannot read the file (Permission denied)" in err
        assert "locked.wav" in (work / "out" / "summary.csv").read_text()
    finally:
        subprocess.run(["rm", "-rf", str(work)])


def _mount_tmpfs(path: Path, options: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to stand for a full or read-only disk: {done.stderr.strip()}")


def test_read_only_output_folder_is_one_line(synth_calls, tmp_path, capsys):
    ro = tmp_path / "ro"
    _mount_tmpfs(ro, "size=64k,ro")
    try:
        code, _, err = run_cli(capsys, "analyze", synth_calls, "--out", ro / "out")
        assert code == 1 and err.strip().endswith("Read-only file system") and len(err.strip().splitlines()) == 1
    finally:
        subprocess.run(["umount", str(ro)])


def test_full_disk_stops_the_batch_and_leaves_no_partial_file(synth_calls, tmp_path, capsys):
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "size=64k")
    try:
        filler = disk / "filler"
        with open(filler, "wb") as handle:  # leave ~8 KB: the write check passes, a report does not fit
            handle.write(b"\0" * (56 * 1024))
        code, _, err = run_cli(capsys, "analyze", synth_calls / "agent_bob", "--out", disk / "out", "--jobs", "1", "--quiet")
        assert code == 1 and "cannot write results to" in err and "No space left on device" in err
        left = [p.name for p in (disk / "out").rglob("*") if p.is_file()]
        assert not [n for n in left if n.endswith((".json", ".html")) or ".tmp-" in n], left
    finally:
        subprocess.run(["umount", str(disk)])


def test_agent_from_metadata_csv_or_pattern_and_bad_options(tmp_path, capsys):
    from analyzer.batch_summary import AgentResolver

    meta = tmp_path / "agents.csv"
    meta.write_text("path,agent\nin/a/call_1.wav,Dana\ncall_2.wav,Eli\n")
    resolver = AgentResolver(r"team_(?P<agent>\w+)/", meta)
    assert resolver.agent("in/a/call_1.wav") == "Dana"  # as listed
    assert resolver.agent("/elsewhere/call_2.wav") == "Eli"  # by file name
    assert resolver.agent("calls/team_red/call_3.wav") == "red"  # the pattern
    assert resolver.agent("calls/call_4.wav") == "unknown"
    (tmp_path / "x.wav").write_bytes(b"")
    code, _, err = run_cli(capsys, "analyze", tmp_path / "x.wav", "--out", tmp_path / "o", "--agent-pattern", "(?P<who>x)")
    assert code == 2 and "(?P<agent>...)" in err
    (tmp_path / "bad.csv").write_text("file,name\nx,y\n")
    code, _, err = run_cli(capsys, "analyze", tmp_path / "x.wav", "--out", tmp_path / "o", "--metadata", tmp_path / "bad.csv")
    assert code == 2 and "needs 'path' and 'agent' columns" in err
