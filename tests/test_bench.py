"""`sincerity bench`: one real --quick run (real model inference, no timing assertions),
its record's schema, and the side-by-side comparison against a previous record."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from analyzer.bench.compare import compare
from analyzer.bench.record import SCHEMA, STAGES, problems
from analyzer.cli import main

RECORDED = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "bench.json"  # the README's run


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One `sincerity bench --quick` run, compared with the recorded full run."""
    tmp = tmp_path_factory.mktemp("bench")
    out, md = tmp / "bench.json", tmp / "bench.md"
    code = main(["bench", "--quick", "--json", str(out), "--md", str(md), "--compare", str(RECORDED)])
    assert code == 0
    return json.loads(out.read_text()), md.read_text()


def test_quick_record_has_every_section(quick_run):
    record, markdown = quick_run
    assert record["schema"] == SCHEMA and problems(record) == []
    machine = record["machine"]
    assert machine["cpu_cores"] >= 1 and machine["total_gb"] > 0
    assert machine["model"]["compute_type"] in ("int8", "float16") and "faster-whisper" in machine["libraries"]
    post = record["post_call"]
    assert post["files"] == 8 and post["audio_s"] > 250 and post["model_load_s"] > 0
    assert all(post["rtf"][s]["median"] >= 0 for s in STAGES)
    assert post["rtf"]["asr"]["median"] > 0 and post["rtf"]["total"]["median"] > post["rtf"]["asr"]["median"]
    # the stages add up to the total (rest is what the named stages leave)
    assert sum(post["rtf"][s]["median"] for s in STAGES if s != "total") == pytest.approx(post["rtf"]["total"]["median"], rel=0.02)
    live = record["live"]
    assert live["apology_latency_s"]["n"] >= 1 and live["apology_latency_s"]["median"] > 0
    assert 0 < live["cpu_share_of_one_core"]["mean"] < 2 and live["agents"]["estimate"] >= 1
    acc = record["accuracy"]["bench_set"]
    assert acc["calls"] == 8 and acc["true_apologies"] == 14
    assert acc["apologies"]["tp"] + acc["apologies"]["fn"] == 14
    assert set(acc["flags"]) == {"rushed", "cheerful", "flat", "nervous_laugh"}
    whisper = record["peers"]["whisper"]
    assert whisper["words"] > 50 and whisper["overhead_ratio"]["median"] > 1.0
    assert "skipped" in record["batch"] and "skipped" in record["peers"]["laughter"]  # --quick leaves them out
    assert "| asr |" in markdown and "Accuracy" in markdown


def test_compare_gives_ratios_and_judges_noise(quick_run):
    record, markdown = quick_run
    cli_rows = {r["metric"]: r for r in record["comparison"]["timings"]}  # --compare against the recorded run
    assert cli_rows["post-call RTF total"]["ratio"] > 0 and cli_rows["plain faster-whisper RTF"]["ratio"] > 0
    assert "now / previous" in markdown
    record = {k: v for k, v in record.items() if k != "comparison"}
    previous = copy.deepcopy(record)
    asr = previous["post_call"]["rtf"]["asr"]
    asr.update(min=asr["min"] * 2, median=asr["median"] * 2, max=asr["max"] * 2, runs=[asr["median"] * 2] * 3)
    previous["accuracy"]["bench_set"]["flags"]["flat"]["f1"] = 0.5
    rows = {r["metric"]: r for r in compare(previous, record)["timings"]}
    assert rows["post-call RTF asr"]["ratio"] == pytest.approx(0.5, rel=0.01)
    assert "outside run-to-run noise (faster)" == rows["post-call RTF asr"]["note"]
    assert "noise not measured" in rows["post-call RTF pitch"]["note"]  # one run on each side
    acc = {r["metric"]: r for r in compare(previous, record)["accuracy"]}
    assert acc["flat F1"]["difference"] == pytest.approx(record["accuracy"]["bench_set"]["flags"]["flat"]["f1"] - 0.5)


def test_compare_with_a_file_that_is_not_a_record(tmp_path, capsys):
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps({"hello": 1}))
    assert main(["bench", "--quick", "--compare", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "not a sincerity bench record" in err and "Traceback" not in err
    assert main(["bench", "--labelled", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err
