"""The HTML call report, opened in real headless Chromium: no console errors, the timeline
and the transcript render, clicking an apology or a word seeks the audio; the page needs
no network.  SINCERITY_WRITE_DOCS=1 also writes the screenshot to docs/batch_report.png."""

from __future__ import annotations

import json
import os
import re
import shutil
import time

import pytest

from analyzer.analyze import AnalyzeOptions, sample_call_path
from analyzer.batch import run_batch
from analyzer.batch_inputs import discover
from analyzer.faces.html_report import render_call_html
from tests.chromium import Chromium, chromium_binary
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    """The bundled sample call (four apologies, tone and wording flags) through the batch."""
    root = tmp_path_factory.mktemp("html")
    shutil.copy(sample_call_path(), root / "sample_call.flac")
    calls, _ = discover([root / "sample_call.flac"])
    result = run_batch(calls, root / "out", AnalyzeOptions(timeline=True), jobs=1, render_html=render_call_html)
    assert result.done == ["sample_call"]
    return root


@pytest.fixture()
def browser(tmp_path):
    if chromium_binary() is None:
        pytest.skip("needs Debian's chromium (bash .ci/install installs it)")
    chrome = Chromium(tmp_path / "profile")
    yield chrome
    chrome.close()


def test_page_is_self_contained_and_small(report_dir):
    page = (report_dir / "out" / "sample_call.html").read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must not reach the network"
    assert 'src="../sample_call.flac"' in page  # the recording, by relative path
    report = json.loads((report_dir / "out" / "sample_call.json").read_text())
    embedded = render_call_html(report, "", b"OggS fake opus bytes")
    assert 'src="data:audio/ogg;base64,' in embedded and "sample_call.flac" not in embedded.split("<main>")[0]


def test_report_renders_and_clicking_an_apology_seeks_the_audio(report_dir, browser):
    report = json.loads((report_dir / "out" / "sample_call.json").read_text())
    assert report["summary"]["apologies"] == 4
    browser.open((report_dir / "out" / "sample_call.html").as_uri())
    browser.evaluate("""new Promise(done => { const a = document.getElementById('audio');
        if (a.readyState >= 1) done(); else a.addEventListener('loadedmetadata', () => done()); })""")
    counts = browser.evaluate("""({
        spans: document.querySelectorAll('#timeline rect.apology-span').length,
        pitch: document.querySelectorAll('#timeline polyline.pitch').length,
        rate: document.querySelectorAll('#timeline rect.rate').length,
        timeline_width: document.getElementById('timeline').getBoundingClientRect().width,
        paragraphs: document.querySelectorAll('#transcript .utt').length,
        marks: document.querySelectorAll('#transcript mark.apology').length,
        notes: [...document.querySelectorAll('.notes .flag b')].map(b => b.textContent),
        chips: document.getElementById('flag-kinds').textContent,
        duration: document.getElementById('audio').duration })""")
    assert counts["spans"] == 4 and counts["marks"] == 4
    assert counts["pitch"] > 5 and counts["rate"] > 5 and counts["timeline_width"] > 900
    assert counts["paragraphs"] > 10
    assert {"rushed", "cheerful", "flat"} <= set(counts["notes"]) and "rushed" in counts["chips"]
    assert abs(counts["duration"] - report["duration_s"]) < 0.5

    flagged = [i for i, a in enumerate(report["apologies"]) if any(f["kind"] == "cheerful" for f in a["flags"])][0]
    target = browser.evaluate(f"""(() => {{ const m = document.getElementById('apology-{flagged}');
        m.scrollIntoView({{block: 'center'}}); const r = m.getBoundingClientRect();
        return [r.x + 8, r.y + r.height / 2, parseFloat(m.dataset.t)]; }})()""")
    assert abs(target[2] - report["apologies"][flagged]["start"]) < 0.01 and target[2] > 30
    browser.click(target[0], target[1])  # a real mouse click at the apology's place on screen
    position = _current_time_after_seek(browser)
    assert target[2] - 0.05 <= position <= target[2] + 5.0, (position, target)

    word = browser.evaluate("""(() => { const w = [...document.querySelectorAll('#transcript .w')].find(e => !e.closest('mark') && parseFloat(e.dataset.t) > 5 && parseFloat(e.dataset.t) < 20);
        w.scrollIntoView({block: 'center'}); const r = w.getBoundingClientRect(); return [r.x + 3, r.y + r.height / 2, parseFloat(w.dataset.t)]; })()""")
    browser.click(word[0], word[1])
    position = _current_time_after_seek(browser, below=target[2] - 1)
    assert word[2] - 0.05 <= position <= word[2] + 5.0, (position, word)

    browser.evaluate("document.getElementById('audio').pause(); document.getElementById('audio').currentTime = 0; window.scrollTo(0, 0); true")
    browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=1500, deviceScaleFactor=1, mobile=False)
    time.sleep(0.3)
    shot = report_dir / "batch_report.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 20_000
    if os.environ.get("SINCERITY_WRITE_DOCS") == "1":
        shutil.copy(shot, ROOT / "docs" / "batch_report.png")
    assert browser.console_errors() == []


def _current_time_after_seek(browser, below: float = float("inf"), timeout_s: float = 10.0) -> float:
    """The audio position once the click's seek has landed (the element's seeked event)."""
    deadline = time.monotonic() + timeout_s
    position = browser.evaluate("document.getElementById('audio').currentTime")
    while time.monotonic() < deadline:
        state = browser.evaluate("[document.getElementById('audio').currentTime, document.getElementById('audio').seeking]")
        position = state[0]
        if not state[1] and position < below and position > 0.5:
            return position
        time.sleep(0.1)
    return position


def test_embedded_audio_is_a_playable_opus_copy_of_the_call(analyzer, tmp_path):
    import base64
    import io

    import soundfile as sf

    from analyzer.batch_workers import analyze_call

    status, report, ogg = analyze_call(analyzer, str(sample_call_path()), embed_audio=True)
    assert status == "ok" and ogg[:4] == b"OggS"
    page = render_call_html(report, "", ogg)  # a --json style report: no timeline block
    data = page.split('src="data:audio/ogg;base64,', 1)[1].split('"', 1)[0]
    audio, rate = sf.read(io.BytesIO(base64.b64decode(data)))
    assert rate == 16000 and abs(len(audio) / rate - report["duration_s"]) < 0.1
    assert len(ogg) < report["duration_s"] * 6000  # compressed: under ~48 kbit/s
