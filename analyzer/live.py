"""Live analysis: ``sincerity live`` (microphone or a recording played in real time) and
``sincerity devices``.

    source (PortAudio callback / paced file) -> bounded queue -> worker thread:
        Pipeline.feed(block) -> events -> listeners (live view, plain lines, --jsonl)

Audio time, not wall-clock time, stamps every event: the pipeline's ``clock`` is the audio
*captured* so far (queued or not), so ``emitted_at_s - apology_end_s`` includes the time a
block waited in the queue while the worker was busy.

Nothing is lost silently:
- PortAudio input overflows and blocks dropped on a full queue are counted, reported as
  ``StatusEvent("overflow")`` and in the session summary;
- when the worker falls more than ``max_behind_s`` behind the capture, it says so
  (``StatusEvent("behind")``) and catches up by *skipping work*: the backlog still goes
  through voice activity and laughter detection (every sample is accounted for), but the
  utterances that close during the catch-up are not transcribed (no words, no apology
  judgement for them).  ``StatusEvent("caught_up")`` says how much speech was skipped.

Only fixed-size state is kept (counters, the last apology, a bounded deque of latencies),
so memory stays flat over hour-long sessions.  Audio stays in memory; nothing is written to
disk unless ``--jsonl`` or ``--save`` asks for it, and nothing here uses the network.
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import signal
import statistics
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np

from .audio import SAMPLE_RATE
from .events import (
    ApologyEvent,
    FlagEvent,
    JudgedApology,
    LaughterSegment,
    RunningMeasures,
    StatusEvent,
    WordsEvent,
    event_to_dict,
)

BLOCK_S = 0.05  # capture block: 50 ms (latency granularity)
MAX_QUEUE_S = 120.0  # capture queue bound; beyond it blocks are dropped (and counted)
MAX_READ_S = 2.0  # the worker takes at most this much queued audio per feed
STALL_S = 10.0  # no audio from an open device for this long = device lost
MAX_BEHIND_S = 4.0  # backlog that triggers catch-up
CAUGHT_UP_S = 0.5  # backlog below which catch-up ends
LATENCY_KEEP = 2000  # latencies kept for the summary percentiles


class LiveError(Exception):
    """A user-facing problem with live capture (one-line message)."""


class DeviceLost(LiveError):
    """The input device went away or stopped delivering audio."""


class EndOfSource(Exception):
    """A file source has delivered all of its audio."""


# --------------------------------------------------------------------------- sources


def _sounddevice():
    try:
        import sounddevice
    except ImportError:
        raise LiveError("live capture needs the package sounddevice (pip install sounddevice)") from None
    except OSError as exc:  # PortAudio library missing
        raise LiveError(f"PortAudio is not available ({exc}); install libportaudio2") from None
    return sounddevice


def _device_arg(device: Union[str, int, None]) -> Union[str, int, None]:
    if device is None or isinstance(device, int):
        return device
    text = str(device).strip()
    return int(text) if text.lstrip("-").isdigit() else text


def input_devices() -> list[dict]:
    """PortAudio input devices: dicts with index, name, hostapi, channels, rate, default."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise LiveError(f"cannot list audio devices: {exc}") from None
    try:
        default_in = sd.default.device[0]
    except Exception:
        default_in = -1
    out = []
    for d in devices:
        if d["max_input_channels"] <= 0:
            continue
        out.append(
            {
                "index": d["index"],
                "name": d["name"],
                "hostapi": hostapis[d["hostapi"]]["name"],
                "channels": d["max_input_channels"],
                "default_samplerate": d["default_samplerate"],
                "default": d["index"] == default_in,
            }
        )
    return out


class _QueuedSource:
    """Blocks pushed by a producer (PortAudio callback or pacing thread) into a bounded
    queue; ``read`` takes them on the worker thread.  Counts everything it drops."""

    name = "source"

    def __init__(self, in_rate: int, block_frames: int, max_queue_s: float = MAX_QUEUE_S):
        self.in_rate = int(in_rate)
        self.block_frames = int(block_frames)
        self._queue: queue.Queue = queue.Queue(maxsize=max(4, int(max_queue_s * in_rate / block_frames)))
        self._captured_frames = 0  # frames (at in_rate) that entered the queue
        self.overflows = 0  # PortAudio input overflows (audio lost before it reached us)
        self.dropped_frames = 0  # frames dropped because the queue was full
        self._ended = threading.Event()
        self._error: Optional[str] = None
        self._last_push = time.monotonic()
        self._stopping = False
        self._resampler = None
        if self.in_rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(self.in_rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")

    # producer side ------------------------------------------------------------------
    def _push(self, block: np.ndarray) -> None:
        self._last_push = time.monotonic()
        try:
            self._queue.put_nowait(block)
            self._captured_frames += len(block)
        except queue.Full:
            self.dropped_frames += len(block)

    # consumer side ------------------------------------------------------------------
    def captured_s(self) -> float:
        """Seconds of audio that reached the queue (the live clock)."""
        return self._captured_frames / self.in_rate

    @property
    def dropped_s(self) -> float:
        return self.dropped_frames / self.in_rate

    def backlog_s(self) -> float:
        return self._queue.qsize() * self.block_frames / self.in_rate

    def read(self, timeout: float = 0.2) -> Optional[np.ndarray]:
        """Queued audio as one 16 kHz float32 block (None when nothing arrived in
        ``timeout``).  Raises EndOfSource or DeviceLost."""
        try:
            blocks = [self._queue.get(timeout=timeout)]
        except queue.Empty:
            self._check_alive()
            return None
        limit = int(MAX_READ_S * self.in_rate)
        total = len(blocks[0])
        while total < limit:
            try:
                blocks.append(self._queue.get_nowait())
            except queue.Empty:
                break
            total += len(blocks[-1])
        data = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
        if self._resampler is not None:
            data = self._resampler.resample_chunk(data, last=False)
        return np.asarray(data, np.float32)

    def _check_alive(self) -> None:
        if self._error:
            raise DeviceLost(self._error)
        if self._ended.is_set():
            raise EndOfSource()

    def start(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:
        self._stopping = True

    def describe(self) -> str:
        return self.name


class MicrophoneSource(_QueuedSource):
    """A PortAudio input device through ``sounddevice.InputStream`` (callback mode).

    device: None (the default input), an index, or a (sub)string of a device name.
    channel: "auto"/"mix" (one channel, PortAudio downmixes), "left"/"right" or an index.
    Opens at 16 kHz when the device accepts it, else at its default rate with streaming
    soxr resampling to 16 kHz on the worker thread.
    """

    def __init__(self, device: Union[str, int, None] = None, channel: Union[str, int] = "auto", block_s: float = BLOCK_S):
        sd = self._sd = _sounddevice()
        device = _device_arg(device)
        try:
            info = sd.query_devices(device, kind="input") if device is None else sd.query_devices(device)
        except (sd.PortAudioError, ValueError) as exc:
            if device is None:
                raise LiveError("no microphone found: this machine has no audio input device (see `sincerity devices`)") from None
            raise LiveError(f"input device {device!r} not found ({str(exc).splitlines()[0]}); `sincerity devices` lists them") from None
        if info["max_input_channels"] <= 0:
            raise LiveError(f"device {info['index']} {info['name']!r} has no input channels; `sincerity devices` lists microphones")
        self.device_index = info["index"]
        self.name = f"{info['name']} (device {info['index']})"
        name = str(channel).lower()
        pick = {"auto": None, "mix": None, "left": 0, "right": 1}.get(name, None)
        if name not in ("auto", "mix", "left", "right"):
            try:
                pick = int(name)
            except ValueError:
                raise LiveError(f"unknown channel {channel!r}: use left, right, mix or an index") from None
        if pick is not None and pick >= info["max_input_channels"]:
            raise LiveError(f"channel {channel!r} does not exist: {self.name} has {info['max_input_channels']} input channel(s)")
        self._pick = pick
        self.channels = 1 if pick is None else pick + 1
        rate = SAMPLE_RATE
        try:
            sd.check_input_settings(device=self.device_index, channels=self.channels, dtype="float32", samplerate=SAMPLE_RATE)
        except Exception:
            rate = int(info["default_samplerate"])
        super().__init__(rate, max(1, int(round(block_s * rate))))
        self._stream = None

    def _callback(self, indata, frames, time_info, status) -> None:
        if status and status.input_overflow:
            self.overflows += 1
        column = 0 if self._pick is None else self._pick
        self._push(indata[:, column].copy())

    def _finished(self) -> None:
        if not self._stopping and self._error is None:
            self._error = f"{self.name} stopped delivering audio (device disconnected?)"
        self._ended.set()

    def start(self) -> None:
        sd = self._sd
        try:
            self._stream = sd.InputStream(
                device=self.device_index,
                channels=self.channels,
                samplerate=self.in_rate,
                dtype="float32",
                blocksize=self.block_frames,
                callback=self._callback,
                finished_callback=self._finished,
            )
            self._stream.start()
        except Exception as exc:
            raise LiveError(f"cannot open {self.name}: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}") from None
        self._last_push = time.monotonic()

    def _check_alive(self) -> None:
        if self._error:
            raise DeviceLost(self._error)
        stream = self._stream
        if stream is not None and not self._stopping:
            try:
                active = stream.active
            except Exception:
                active = False
            if not active:
                self._error = f"{self.name} is no longer active (device disconnected?)"
            elif time.monotonic() - self._last_push > STALL_S:
                self._error = f"no audio from {self.name} for {STALL_S:.0f} s (device disconnected?)"
            if self._error:
                raise DeviceLost(self._error)

    def stop(self) -> None:
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:
                pass

    def describe(self) -> str:
        rate = f"{self.in_rate} Hz" + (" -> 16 kHz" if self.in_rate != SAMPLE_RATE else "")
        return f"{self.name}, {rate}"


class FileSource(_QueuedSource):
    """A recording as if it were the microphone.

    realtime=True: a thread pushes ``block_s`` blocks at wall-clock pace into the same
    bounded queue a microphone uses (so queueing delay is measured the same way);
    realtime=False: blocks are handed over as fast as the worker takes them.
    ``loops`` plays the recording that many times back to back (soak tests).
    """

    def __init__(
        self,
        path: Union[str, Path, None] = None,
        realtime: bool = True,
        channel: Union[str, int] = "auto",
        block_s: float = BLOCK_S,
        samples: Optional[np.ndarray] = None,
        loops: int = 1,
    ):
        if samples is None:
            from .audio import load_audio

            samples = load_audio(path, channel).samples
        self.samples = np.asarray(samples, np.float32)
        self.realtime = realtime
        self.loops = max(1, int(loops))
        self.name = f"{Path(path).name if path else 'audio'}" + (" (real time)" if realtime else "")
        super().__init__(SAMPLE_RATE, max(1, int(round(block_s * SAMPLE_RATE))))
        self._thread: Optional[threading.Thread] = None
        self._pos = 0
        self._loop = 0

    @property
    def duration_s(self) -> float:
        return len(self.samples) * self.loops / SAMPLE_RATE

    def _blocks(self):
        step = self.block_frames
        for _ in range(self.loops):
            for start in range(0, len(self.samples), step):
                yield self.samples[start : start + step]

    def _pace(self) -> None:
        t0 = time.perf_counter()
        sent = 0
        for block in self._blocks():
            if self._stopping:
                break
            due = t0 + (sent + len(block)) / SAMPLE_RATE
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self._push(block.copy())
            sent += len(block)
        self._ended.set()

    def start(self) -> None:
        if self.realtime:
            self._thread = threading.Thread(target=self._pace, name="sincerity-file-pacer", daemon=True)
            self._thread.start()
        else:
            self._iter = self._blocks()

    def read(self, timeout: float = 0.2) -> Optional[np.ndarray]:
        if self.realtime:
            return super().read(timeout)
        if self._stopping:
            raise EndOfSource()
        block = next(self._iter, None)
        if block is None:
            raise EndOfSource()
        self._captured_frames += len(block)
        return block

    def stop(self) -> None:
        self._stopping = True

    def describe(self) -> str:
        return self.name


# --------------------------------------------------------------------------- coaching


def _num(pattern: str, text: str) -> Optional[str]:
    m = re.search(pattern, text)
    return m.group(1) if m else None


def coaching(kind: str, reason: str) -> str:
    """A short, human instruction for a flag ("Slow down: 5.9 syll/s, your usual is 4.2")."""
    if kind == "rushed":
        rate = _num(r"([\d.]+) syll/s,", reason)
        usual = _num(r"usual ([\d.]+) syll/s", reason) or _num(r"default ([\d.]+) syll/s", reason)
        if rate and usual:
            return f"Slow down: {rate} syll/s, your usual is {usual}"
        return "Slow down: that apology was rushed"
    if kind == "cheerful":
        shift = _num(r"pitch ([+-][\d.]+) st", reason)
        return f"Bring it down: pitch {shift} st above your usual, it can sound upbeat" if shift else "Bring it down: the apology sounded upbeat"
    if kind == "flat":
        rng = _num(r"pitch range ([\d.]+) st", reason)
        usual = _num(r"(?:usual|default) ([\d.]+) st", reason)
        if rng and usual:
            return f"Mean it: pitch range {rng} st, your usual is {usual} (sounds read out)"
        return "Mean it: the apology sounded flat, read out"
    if kind == "nervous_laugh":
        return "Careful: laughter right around the apology can sound dismissive"
    detail = reason.split(": ", 1)[1] if reason.startswith(f"{kind}: ") else reason
    return f"Wording ({kind.replace('_', ' ')}): {detail}"


# --------------------------------------------------------------------------- session


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
        source: _QueuedSource,
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
        self.pipeline = analyzer.new_pipeline(clock=source.captured_s)
        self._stop = threading.Event()
        self._done = threading.Event()  # set by the worker when it has finished
        self._thread: Optional[threading.Thread] = None
        self._save_path = save
        self._writer = None
        self._skimming = False
        self._skip_start = (0, 0.0)
        self.error: Optional[BaseException] = None
        self.lock = threading.Lock()

    # -- control ----------------------------------------------------------------------
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
        self._emit([StatusEvent(status, message, round(self.source.captured_s(), 3), count)])

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

    # -- falling behind ---------------------------------------------------------------
    def _check_behind(self, incoming: int) -> None:
        """Backlog = audio captured but not yet fed (this block included)."""
        backlog = self.source.captured_s() - self.pipeline.consumed_s
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
            "skipped_utterances": s.skipped_utterances,
            "skipped_speech_s": round(s.skipped_speech_s, 2),
            "tone_flag_latency_s": {
                "n": len(lat),
                "median": round(statistics.median(lat), 3) if lat else None,
                "max": round(lat[-1], 3) if lat else None,
            },
        }


# --------------------------------------------------------------------------- outputs


class JsonlWriter:
    """One JSON line per event, flushed per line (``--jsonl OUT``)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "w", encoding="utf-8")

    def __call__(self, event) -> None:
        self.write(event_to_dict(event))

    def write(self, record: dict) -> None:
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class LinePrinter:
    """Plain output, one line per notable event (``--no-view``, pipes, tests)."""

    def __init__(self, stream=None, words: bool = False):
        self.stream = stream or sys.stdout
        self.words = words

    def __call__(self, event) -> None:
        line = None
        if isinstance(event, StatusEvent):
            line = f"[{event.emitted_at_s:7.1f}s] status {event.status}: {event.message}"
        elif isinstance(event, ApologyEvent):
            line = f"[{event.emitted_at_s:7.1f}s] apology {event.start:.1f}-{event.end:.1f} s: \"{event.text}\""
        elif isinstance(event, FlagEvent):
            lag = event.emitted_at_s - event.apology_end_s
            line = f"[{event.emitted_at_s:7.1f}s]   flag {event.kind} (+{lag:.1f} s): {coaching(event.kind, event.reason)}"
        elif isinstance(event, LaughterSegment):
            line = f"[{event.emitted_at_s:7.1f}s] laughter {event.start:.1f}-{event.end:.1f} s"
        elif isinstance(event, WordsEvent) and self.words:
            line = f"[{event.emitted_at_s:7.1f}s] words {event.start:.1f}-{event.end:.1f} s: {event.text}"
        if line is not None:
            print(line, file=self.stream, flush=True)


def _semitones(hz: Optional[float], ref: Optional[float]) -> Optional[float]:
    if not hz or not ref:
        return None
    return 12.0 * float(np.log2(hz / ref))


def render_view(session: LiveSession):
    """The rich renderable of the live view (called on the main thread)."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    s = session.stats
    with session.lock:
        m = s.last_measures
        apology = s.last_apology
        flags = list(s.last_flags)
        flag_counts = dict(s.flags)
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    if s.device_lost:
        state = Text(f"device lost: {s.device_lost}", style="bold red")
    elif session._skimming:
        state = Text(f"behind by {s.backlog_s:.1f} s, catching up", style="bold yellow")
    elif s.in_speech:
        state = Text("● hearing speech", style="green")
    else:
        state = Text("○ listening", style="dim")
    table.add_row("State", state)
    if m is None:
        table.add_row("Rate", Text("waiting for speech...", style="dim"))
        table.add_row("Pitch", Text("-", style="dim"))
    else:
        b = m.baseline
        usual = "your usual" if b.rate_source == "call" else "default"
        ratio = m.speaking_rate_sps / b.speaking_rate_sps if b.speaking_rate_sps else None
        style = "red" if ratio and ratio >= 1.3 else ("yellow" if ratio and ratio >= 1.15 else "")
        table.add_row("Rate", Text(f"{m.speaking_rate_sps:.1f} syll/s  ({usual} {b.speaking_rate_sps:.1f}" + (f", {ratio:.2f}x)" if ratio else ")"), style=style))
        shift = _semitones(m.pitch_median_hz, b.pitch_median_hz)
        if m.pitch_median_hz is None:
            pitch = "not enough voiced speech"
        else:
            pitch = f"{m.pitch_median_hz:.0f} Hz"
            if shift is not None:
                arrow = "▲" if shift > 0.5 else ("▼" if shift < -0.5 else "=")
                pitch += f"  {arrow} {shift:+.1f} st vs your usual {b.pitch_median_hz:.0f} Hz"
        if m.pitch_range_st is not None:
            pitch += f"; range {m.pitch_range_st:.1f} st (usual {b.pitch_range_st:.1f})"
        table.add_row("Pitch", pitch)
    if apology is None:
        table.add_row("Apology", Text("none yet", style="dim"))
    else:
        table.add_row("Apology", f"{apology.start:.1f}-{apology.end:.1f} s  \"{apology.text}\"")
        if not flags:
            table.add_row("", Text("no delivery flags: it came across as meant", style="green"))
        for f in flags:
            table.add_row("", Text(f"⚑ {coaching(f.kind, f.reason)}", style="bold red" if f.category == "tone" else "yellow"))
    counts = ", ".join(f"{k} {v}" for k, v in sorted(flag_counts.items())) or "none"
    extra = f"  ·  overflows {s.overflows}" + (f", {s.dropped_s:.1f} s dropped" if s.dropped_s else "") + f"  ·  behind {s.behind_events}x"
    table.add_row("Session", f"{s.apologies} apologies, flags: {counts}{extra}")
    title = f"sincerity live · {session.source.describe()} · {_clock(s.audio_s)}"
    return Panel(table, title=title, subtitle="Ctrl-C ends the session · audio stays in memory", border_style="cyan")


def render_summary(summary: dict) -> str:
    b = summary["baseline"]
    lat = summary["tone_flag_latency_s"]
    flags = ", ".join(f"{k} {v}" for k, v in sorted(summary["flags"].items())) or "none"
    pitch = f"{b['pitch_median_hz']:.0f} Hz" if b["pitch_median_hz"] else "n/a"
    lines = [
        f"Session summary ({summary['end']}): {_clock(summary['audio_s'])} of audio",
        f"  apologies      {summary['apologies']} ({summary['flagged_apologies']} flagged)",
        f"  flags          {flags}",
        f"  your baseline  {b['speaking_rate_sps']:.1f} syll/s ({b['rate_source']}), pitch {pitch}, range {b['pitch_range_st']:.1f} st ({b['pitch_source']}), {b['speech_s']:.0f} s of speech",
        f"  audio          {summary['overflows']} input overflow(s), {summary['dropped_s']:.2f} s dropped, "
        f"fell behind {summary['behind_events']}x ({summary['skipped_speech_s']:.1f} s of speech not transcribed)",
    ]
    if lat["n"]:
        lines.append(f"  flag latency   median {lat['median']:.2f} s, max {lat['max']:.2f} s after the apology ended ({lat['n']} tone flags)")
    if summary["device_lost"]:
        lines.append(f"  device lost    {summary['device_lost']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def add_live_commands(sub) -> None:
    from .cli import add_model_arguments

    p = sub.add_parser(
        "live",
        help="listen to the microphone and flag each apology as it ends",
        conflict_handler="resolve",
        description="Live coaching from the agent's microphone. Audio stays in memory; nothing is written unless --jsonl/--save ask for it.",
    )
    add_model_arguments(p)
    # --device is the microphone here; Whisper's device moves to --asr-device.
    p.add_argument("--device", dest="input_device", metavar="NAME|INDEX", help="input device (default: the system's default microphone); see `sincerity devices`")
    p.add_argument("--asr-device", dest="device", default="auto", choices=["auto", "cpu", "cuda"], help="where Whisper runs (auto: CUDA when available)")
    p.add_argument("--source", type=Path, metavar="FILE", help="analyse a recording instead of the microphone")
    p.add_argument("--realtime", action="store_true", help="with --source: play it at real-time pace, as if it were the microphone")
    p.add_argument("--channel", default="auto", help="agent's channel: auto, left, right, mix, or an index")
    p.add_argument("--jsonl", type=Path, metavar="OUT", help="write every event as one JSON line to OUT")
    p.add_argument("--save", type=Path, metavar="WAV", help="also record the analysed audio (16 kHz WAV); off by default")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds of audio")
    p.add_argument("--max-behind", type=float, default=MAX_BEHIND_S, metavar="S", help=f"backlog that triggers catch-up (default {MAX_BEHIND_S:g} s)")
    p.add_argument("--no-view", action="store_true", help="plain lines instead of the live view (pipes, logs)")
    p.add_argument("--words", action="store_true", help="with --no-view: also print recognised words")
    p.set_defaults(func=cmd_live)

    d = sub.add_parser("devices", help="list audio input devices for `sincerity live --device`")
    d.add_argument("--json", action="store_true", help="print the list as JSON")
    d.set_defaults(func=cmd_devices)


def cmd_devices(args) -> int:
    from .cli import EXIT_FAILED, EXIT_OK, error

    try:
        devices = input_devices()
    except LiveError as exc:
        error(str(exc))
        return EXIT_FAILED
    if args.json:
        print(json.dumps(devices, indent=2))
        return EXIT_OK if devices else EXIT_FAILED
    if not devices:
        error("no audio input devices found (no microphone, or PortAudio sees no sound server)")
        return EXIT_FAILED
    for d in devices:
        mark = "*" if d["default"] else " "
        print(f"{mark} {d['index']:3d}  {d['name']}  ({d['hostapi']}, {d['channels']} in, {d['default_samplerate']:.0f} Hz)")
    print("(* = default input; use `sincerity live --device INDEX` or a part of the name)")
    return EXIT_OK


def make_source(args) -> _QueuedSource:
    if args.source is not None:
        from .audio import AudioError

        try:
            return FileSource(args.source, realtime=args.realtime, channel=args.channel)
        except AudioError as exc:
            raise LiveError(str(exc)) from None
    if args.realtime:
        raise LiveError("--realtime needs --source FILE")
    return MicrophoneSource(args.input_device, channel=args.channel)


def cmd_live(args) -> int:
    from .analyze import AnalyzeOptions, Analyzer
    from .cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error, pipeline_options, transcriber_options, warn
    from .config import ConfigError
    from .transcribe import ModelError

    if args.duration is not None and args.duration <= 0:
        error("--duration must be positive")
        return EXIT_USAGE
    try:
        source = make_source(args)  # before loading models: a missing microphone fails fast
    except LiveError as exc:
        error(str(exc))
        return EXIT_FAILED
    try:
        analyzer = Analyzer(
            AnalyzeOptions(
                channel=args.channel,
                transcriber=transcriber_options(args),
                pipeline=pipeline_options(args, asr_pack_s=0.0),
            )
        )
    except (ConfigError, ModelError, FileNotFoundError) as exc:
        error(str(exc))
        return EXIT_USAGE
    writer = JsonlWriter(args.jsonl) if args.jsonl else None
    listeners: list[Callable] = []
    if writer is not None:
        listeners.append(writer)
    use_view = not args.no_view and sys.stdout.isatty()
    if not use_view:
        listeners.append(LinePrinter(words=args.words))
    else:
        listeners.append(lambda e: warn(e.message) if isinstance(e, StatusEvent) and e.status == "warning" else None)
    session = LiveSession(analyzer, source, listeners, duration_s=args.duration, max_behind_s=args.max_behind, save=args.save)
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        try:
            session.start()
        except LiveError as exc:
            error(str(exc))
            return EXIT_FAILED
        try:
            if use_view:
                from rich.live import Live

                with Live(render_view(session), refresh_per_second=4, transient=False) as live:
                    while not session.wait(0.25):
                        live.update(render_view(session))
                    live.update(render_view(session))
            else:
                while not session.wait(0.25):
                    pass
        except KeyboardInterrupt:
            session.stop()
            try:
                session.wait()
            except KeyboardInterrupt:  # a second Ctrl-C: give up on the tail
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        summary = session.summary()
        if writer is not None:
            writer.write(summary)
            writer.close()
    print(render_summary(summary))
    if session.error is not None:
        error(f"live analysis failed: {session.error}")
        return EXIT_FAILED
    if session.stats.device_lost:
        error(session.stats.device_lost)
        return EXIT_FAILED
    return EXIT_OK
