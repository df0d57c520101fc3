"""The live session: one pipeline driven by an audio source on a worker thread, a small
engine API that any face (terminal view, overlay, plain lines) can drive.

    source (PortAudio callback / paced file) -> bounded queue -> worker thread:
        Pipeline.feed(block) -> events -> listeners (live view, plain lines, --jsonl)

Audio time, not wall-clock time, stamps every event: the pipeline's ``clock`` is the audio
*captured* so far (queued or not; audio discarded while paused does not count), so ``emitted_at_s - apology_end_s`` includes the time a
block waited in the queue while the worker was busy.

Nothing is lost silently:
- PortAudio input overflows and blocks dropped on a full queue are counted, reported as
  ``StatusEvent("overflow")`` and in the session summary;
- when the worker falls more than ``max_behind_s`` behind the capture, it says so
  (``StatusEvent("behind")``) and catches up by *skipping work*: the backlog still goes
  through voice activity and laughter detection (every sample is accounted for), but the
  utterances that close during the catch-up are not transcribed (no words, no apology
  judgement for them).  ``StatusEvent("caught_up")`` says how much speech was skipped.

``pause()``/``resume()`` (any thread): while paused, incoming audio is discarded (counted
in ``paused_s``, never analysed or saved) and ``StatusEvent("paused"/"resumed")`` say so.

Only fixed-size state is kept (counters, the last apology, a bounded deque of latencies),
so memory stays flat over hour-long sessions.  Audio stays in memory; nothing is written to
disk unless ``--jsonl`` or ``--save`` asks for it, and nothing here uses the network.
"""


from __future__ import annotations

import statistics
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .audio import SAMPLE_RATE
from .capture import AudioSource, DeviceLost, EndOfSource
from .events import (
    ApologyEvent,
    FlagEvent,
    JudgedApology,
    LaughterSegment,
    RunningMeasures,
    StatusEvent,
    Word,
)

MAX_BEHIND_S = 4.0  # backlog that triggers catch-up
CAUGHT_UP_S = 0.5  # backlog below which catch-up ends
LATENCY_KEEP = 2000  # latencies kept for the summary percentiles


@dataclass
class SessionStats:
    """Fixed-size running state of a session (what the view and the summary show)."""

    started_wall: float = field(default_factory=time.time)
    audio_s: float = 0.0
    backlog_s: float = 0.0
    in_speech: bool = False
    apologies: int = 0
    flagged_apologies: int = 0
    flags: Counter = field(default_factory=Counter)
    behind_events: int = 0
    skipped_speech_s: float = 0.0
    skipped_utterances: int = 0
    overflows: int = 0
    dropped_s: float = 0.0
    laughter: int = 0
    last_measures: Optional[RunningMeasures] = None
    last_apology: Optional[ApologyEvent] = None
    last_flags: list = field(default_factory=list)  # FlagEvents of last_apology
    latencies: deque = field(default_factory=lambda: deque(maxlen=LATENCY_KEEP))  # tone flags
    warnings: deque = field(default_factory=lambda: deque(maxlen=5))
    end_reason: str = ""
    device_lost: Optional[str] = None
    paused_s: float = 0.0  # audio discarded while paused (never analysed, never saved)


def warm_up(analyzer) -> None:
    """Run every stage once on a second of synthetic voice-like audio, so the first real
    utterance does not pay for JIT compilation and allocations (pitch tracking's first
    call alone took ~4 s here).  The throwaway pipeline's events are discarded."""
    from .pitch import track_pitch

    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    f0 = 120.0 + 20.0 * np.sin(2 * np.pi * 3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 8)) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2)
    voice = (0.1 * voice / np.max(np.abs(voice))).astype(np.float32)
    analyzer.transcriber.words(voice)
    track_pitch(voice, SAMPLE_RATE)
    pipeline = analyzer.new_pipeline()
    pipeline.feed(np.concatenate([voice, np.zeros(SAMPLE_RATE // 2, np.float32)]))
    pipeline.finish()
    # The tone has no words, so the apology stages would first run on the first real
    # apology: the first wording judgement took ~0.2 s (later ones ~35 ms), a 0.1 s
    # stall of the overlay's event loop (benchmarks/overlay_responsiveness.py).
    if analyzer.wording_judge is not None:
        words = "I am so sorry about the mix up with your order".split()
        analyzer.wording_judge.judge([Word(w, 0.3 * i, 0.3 * i + 0.25) for i, w in enumerate(words)])
    if analyzer.laughter_detector is not None:
        analyzer.laughter_detector.segments(voice)


class LiveSession:
    """Runs one pipeline over a source on a worker thread.

    listeners: callables receiving every event (on the worker thread), in order.
    duration_s: stop after this much audio (None: until the source ends or ``stop``).
    max_behind_s: backlog (s) beyond which work is skipped to catch up.
    save: optional path of a 16 kHz WAV recording of the analysed audio (only if asked).
    """

    def __init__(
        self,
        analyzer,
        source: AudioSource,
        listeners: Optional[list[Callable]] = None,
        duration_s: Optional[float] = None,
        max_behind_s: float = MAX_BEHIND_S,
        save: Optional[Path] = None,
    ):
        self.source = source
        self.listeners = list(listeners or [])
        self.duration_s = duration_s
        self.max_behind_s = max_behind_s
        self.stats = SessionStats()
        self._analyzer = analyzer
        self.pipeline = analyzer.new_pipeline(clock=self._clock)
        self._stop = threading.Event()
        self._pause = threading.Event()  # requested by any thread; honoured by the worker
        self._paused = False  # the worker's view (it emits the status on each change)
        self._paused_from = 0.0
        self._done = threading.Event()  # set by the worker when it has finished
        self._thread: Optional[threading.Thread] = None
        self._save_path = save
        self._writer = None
        self._skimming = False
        self._skip_start = (0, 0.0)
        self.error: Optional[BaseException] = None
        self.lock = threading.Lock()

    @property
    def behind(self) -> bool:
        """True while the worker is catching up on a backlog (transcription skipped)."""
        return self._skimming

    @property
    def paused(self) -> bool:
        """True while a pause is requested (audio is discarded, counted in paused_s)."""
        return self._pause.is_set()

    def _clock(self) -> float:
        """The live clock: audio captured so far, minus the audio discarded while paused
        (so times and latencies stay in analysed-audio seconds)."""
        return self.source.captured_s() - self.stats.paused_s

    # -- control ----------------------------------------------------------------------
    def pause(self) -> None:
        """Stop analysing (any thread): audio that arrives is discarded, not queued, and
        counted; ``StatusEvent("paused")`` says so."""
        self._pause.set()

    def resume(self) -> None:
        """Analyse again; ``StatusEvent("resumed")`` says how much audio was discarded."""
        self._pause.clear()

    def start(self, warm: bool = True) -> None:
        """Warm the models up (first calls JIT-compile and allocate), then open the source."""
        if warm:
            warm_up(self._analyzer)
        if self._save_path is not None:
            import soundfile as sf

            self._save_path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = sf.SoundFile(str(self._save_path), "w", SAMPLE_RATE, 1, subtype="PCM_16")
        self.source.start()
        self._thread = threading.Thread(target=self._run_safely, name="sincerity-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the worker to finish (Ctrl-C): it closes the pipeline and returns."""
        self._stop.set()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """True once the worker has finished.  (An Event, not Thread.join: a join that a
        Ctrl-C interrupted can return early on a still-running thread.)"""
        if self._thread is None:
            return True
        return self._done.wait(timeout)

    def run(self) -> SessionStats:
        """start + wait (blocking; Ctrl-C stops cleanly)."""
        self.start()
        try:
            while not self.wait(0.25):
                pass
        except KeyboardInterrupt:
            self.stop()
            self.wait()
        return self.stats

    # -- worker -----------------------------------------------------------------------
    def _emit(self, events) -> None:
        for event in events:
            self._track(event)
            for listener in self.listeners:
                listener(event)

    def _status(self, status: str, message: str = "", count: int = 0) -> None:
        self._emit([StatusEvent(status, message, round(self._clock(), 3), count)])

    def _run_safely(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by the caller, never swallowed
            self.error = exc
            self.stats.end_reason = f"error: {exc}"
        finally:
            try:
                self.source.stop()
                if self._writer is not None:
                    self._writer.close()
            finally:
                self._done.set()

    def _run(self) -> None:
        source, pipeline, stats = self.source, self.pipeline, self.stats
        self._status("started", f"listening on {source.describe()}")
        seen_overflows, seen_dropped = 0, 0
        stats.end_reason = "stopped"
        while not self._stop.is_set():
            try:
                block = source.read(timeout=0.2)
            except EndOfSource:
                stats.end_reason = "end of source"
                break
            except DeviceLost as exc:
                stats.device_lost = str(exc)
                stats.end_reason = "device lost"
                self._status("device_lost", str(exc))
                break
            if source.overflows != seen_overflows or source.dropped_frames != seen_dropped:
                seen_overflows, seen_dropped = source.overflows, source.dropped_frames
                stats.overflows, stats.dropped_s = seen_overflows, source.dropped_s
                self._status(
                    "overflow",
                    f"audio lost: {seen_overflows} input overflow(s), {source.dropped_s:.2f} s dropped on a full queue",
                    seen_overflows,
                )
            if block is None or len(block) == 0:
                self._check_pause(0)
                continue
            if self._check_pause(len(block)):
                continue
            if self.duration_s is not None:
                block = block[: max(0, int(round((self.duration_s - pipeline.consumed_s) * SAMPLE_RATE)))]
            self._check_behind(len(block))
            if self._writer is not None:
                self._writer.write(block)
            self._emit(pipeline.feed(block))
            stats.audio_s = pipeline.consumed_s
            stats.in_speech = getattr(pipeline.segmenter, "_utt_start_frame", None) is not None
            if self.duration_s is not None and pipeline.consumed_s >= self.duration_s - 1e-6:
                stats.end_reason = "duration reached"
                break
        if self._stop.is_set() and stats.end_reason == "stopped":
            stats.end_reason = "interrupted"
        self._end_skim()
        self._emit(pipeline.finish())
        stats.audio_s = pipeline.consumed_s
        stats.overflows, stats.dropped_s = source.overflows, source.dropped_s
        self._status("stopped", stats.end_reason)

    # -- pause --------------------------------------------------------------------------
    def _check_pause(self, frames: int) -> bool:
        """Honour a pause/resume request; True when ``frames`` of audio were discarded."""
        wanted = self._pause.is_set()
        if wanted != self._paused:
            self._paused = wanted
            if wanted:
                self._paused_from = self.stats.paused_s
                self._status("paused", "paused: incoming audio is discarded, not analysed or saved")
            else:
                lost = self.stats.paused_s - self._paused_from
                self._status("resumed", f"resumed: {lost:.1f} s of audio discarded while paused", int(round(lost)))
        if wanted and frames:
            self.stats.paused_s += frames / SAMPLE_RATE
        return wanted

    # -- falling behind ---------------------------------------------------------------
    def _check_behind(self, incoming: int) -> None:
        """Backlog = audio captured but not yet fed (this block included)."""
        backlog = self._clock() - self.pipeline.consumed_s
        self.stats.backlog_s = backlog
        if not self._skimming and backlog > self.max_behind_s:
            self._skimming = True
            self.stats.behind_events += 1
            self._skip_start = (self.stats.skipped_utterances, self.stats.skipped_speech_s)
            self._status(
                "behind",
                f"analysis is {backlog:.1f} s behind the audio: catching up by skipping transcription of the backlog (audio is kept)",
                self.stats.behind_events,
            )
            self._install_skip()
        elif self._skimming and backlog - incoming / SAMPLE_RATE < CAUGHT_UP_S:
            self._end_skim()

    def _install_skip(self) -> None:
        # The pipeline's VAD and laughter stages keep running on every sample; only the
        # per-utterance work (Whisper, pitch, judgement) is skipped while catching up.
        self.pipeline.skip_utterances = True

    def _end_skim(self) -> None:
        if not self._skimming:
            return
        self._skimming = False
        self.pipeline.skip_utterances = False
        self.stats.skipped_utterances = self.pipeline.skipped_utterances
        self.stats.skipped_speech_s = self.pipeline.skipped_speech_s
        n0, s0 = self._skip_start
        self._status(
            "caught_up",
            f"caught up: {self.stats.skipped_utterances - n0} utterance(s), {self.stats.skipped_speech_s - s0:.1f} s of speech not transcribed",
            self.stats.skipped_utterances - n0,
        )

    # -- running state ----------------------------------------------------------------
    def _track(self, event) -> None:
        stats = self.stats
        with self.lock:
            if isinstance(event, RunningMeasures):
                stats.last_measures = event
            elif isinstance(event, ApologyEvent):
                stats.apologies += 1
                stats.last_apology = event
                stats.last_flags = []
            elif isinstance(event, FlagEvent):
                stats.flags[event.kind] += 1
                if stats.last_apology is not None and abs(stats.last_apology.start - event.apology_start_s) < 1e-6:
                    stats.last_flags.append(event)
                if event.category == "tone":
                    stats.latencies.append(event.emitted_at_s - event.apology_end_s)
            elif isinstance(event, JudgedApology):
                if event.flags:
                    stats.flagged_apologies += 1
            elif isinstance(event, LaughterSegment):
                stats.laughter += 1
            elif isinstance(event, StatusEvent) and event.status == "warning":
                stats.warnings.append(event.message)

    def summary(self) -> dict:
        """The session summary (JSON-ready)."""
        s = self.stats
        b = self.pipeline.baseline.snapshot()
        lat = sorted(s.latencies)
        return {
            "type": "summary",
            "audio_s": round(s.audio_s, 3),
            "wall_s": round(time.time() - s.started_wall, 3),
            "end": s.end_reason,
            "device_lost": s.device_lost,
            "apologies": s.apologies,
            "flagged_apologies": s.flagged_apologies,
            "flags": dict(s.flags),
            "laughter_segments": s.laughter,
            "baseline": {
                "speaking_rate_sps": round(b.speaking_rate_sps, 3),
                "pitch_median_hz": None if b.pitch_median_hz is None else round(b.pitch_median_hz, 1),
                "pitch_range_st": round(b.pitch_range_st, 2),
                "speech_s": round(b.speech_s, 1),
                "rate_source": b.rate_source,
                "pitch_source": b.pitch_source,
            },
            "overflows": s.overflows,
            "dropped_s": round(s.dropped_s, 3),
            "behind_events": s.behind_events,
            "paused_s": round(s.paused_s, 2),
            "skipped_utterances": s.skipped_utterances,
            "skipped_speech_s": round(s.skipped_speech_s, 2),
            "tone_flag_latency_s": {
                "n": len(lat),
                "median": round(statistics.median(lat), 3) if lat else None,
                "max": round(lat[-1], 3) if lat else None,
            },
        }
