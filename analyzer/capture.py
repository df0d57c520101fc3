"""Audio sources for live analysis: a PortAudio microphone, or a recording played as one.

Both push blocks into one bounded queue that the session's worker thread reads with
``read``; both count what they drop (input overflows, full queue), so nothing is lost
silently.  Every block handed out is 16 kHz mono float32.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Optional, Union

import numpy as np

from .audio import SAMPLE_RATE

BLOCK_S = 0.05  # capture block: 50 ms (latency granularity)
MAX_QUEUE_S = 120.0  # capture queue bound; beyond it blocks are dropped (and counted)
MAX_READ_S = 2.0  # the worker takes at most this much queued audio per feed
STALL_S = 10.0  # no audio from an open device for this long = device lost


class LiveError(Exception):
    """A user-facing problem with live capture (one-line message)."""


class DeviceLost(LiveError):
    """The input device went away or stopped delivering audio."""


class EndOfSource(Exception):
    """A file source has delivered all of its audio."""



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


class AudioSource:
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


class MicrophoneSource(AudioSource):
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


class FileSource(AudioSource):
    """A recording as if it were the microphone.

    realtime=True: a thread pushes ``block_s`` blocks at wall-clock pace into the same
    bounded queue a microphone uses (so queueing delay is measured the same way);
    realtime=False: blocks are handed over as fast as the worker takes them.
    ``loops`` plays the recording that many times back to back (soak tests); ``speed``
    paces a realtime source that many times faster than real time (tests).
    """

    def __init__(
        self,
        path: Union[str, Path, None] = None,
        realtime: bool = True,
        channel: Union[str, int] = "auto",
        block_s: float = BLOCK_S,
        samples: Optional[np.ndarray] = None,
        loops: int = 1,
        speed: float = 1.0,
    ):
        if samples is None:
            from .audio import load_audio

            samples = load_audio(path, channel).samples
        self.samples = np.asarray(samples, np.float32)
        self.realtime = realtime
        self.loops = max(1, int(loops))
        self.speed = float(speed)
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
            due = t0 + (sent + len(block)) / (SAMPLE_RATE * self.speed)
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


def open_source(
    path: Union[str, Path, None] = None,
    device: Union[str, int, None] = None,
    channel: Union[str, int] = "auto",
    realtime: bool = False,
) -> AudioSource:
    """The source a user asked for: a recording when ``path`` is given, else a microphone.
    Raises LiveError with a one-line message (missing device, unreadable file)."""
    if path is not None:
        from .audio import AudioError

        try:
            return FileSource(path, realtime=realtime, channel=channel)
        except AudioError as exc:
            raise LiveError(str(exc)) from None
    if realtime:
        raise LiveError("--realtime needs --source FILE")
    return MicrophoneSource(device, channel=channel)
