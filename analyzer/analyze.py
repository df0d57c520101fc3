"""Post-call analysis of recordings: one pipeline run per file, models loaded once.

The ``Analyzer`` owns the expensive, shareable parts (Whisper, Silero VAD session,
laughter model, phrase lists) and builds a fresh ``Pipeline`` (fresh baseline) per call.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np

from .audio import SAMPLE_RATE, DecodedAudio, load_audio
from .events import StatusEvent
from .measures import measured_profile
from .pipeline import Pipeline, PipelineOptions, run_to_end
from .report import build_report
from .transcribe import Transcriber, TranscriberOptions
from .vad import load_silero_session
from .wholecall import rejudge_events

SILENCE_RMS = 1e-4  # below -80 dBFS: nothing to analyse


@dataclass(frozen=True)
class AnalyzeOptions:
    """channel: agent's channel (auto, left, right, mix, index); all_speech: add whole-call
    measures to the report; include_words: add the word list to the report;
    whole_call_baseline: judge every apology's tone against the agent's baseline from the
    whole call (analyzer.wholecall); False keeps the running baseline live capture uses
    (speech heard before the apology only), for parity with live."""

    channel: Union[str, int] = "auto"
    transcriber: TranscriberOptions = field(default_factory=TranscriberOptions)
    pipeline: PipelineOptions = field(default_factory=lambda: PipelineOptions(asr_pack_s=24.0))
    all_speech: bool = False
    include_words: bool = True
    whole_call_baseline: bool = True


def load_laughter_detector(enabled: bool) -> tuple[Optional[object], Optional[str]]:
    """The shipped laughter model, or (None, why) when it is off or cannot load."""
    if not enabled:
        return None, None
    try:
        from .laughter import LaughterDetector

        return LaughterDetector(), None
    except Exception as exc:  # missing/broken model: analyse the rest, say so
        return None, f"laughter detection off: {str(exc).splitlines()[0]}"


def load_wording_judge(options: PipelineOptions) -> tuple[Optional[object], Optional[str]]:
    """Phrase lists for the wording flags, or (None, why)."""
    if not options.wording:
        return None, None
    try:
        from .language import LanguageOptions, WordingJudge

        return WordingJudge(options.wording_options or LanguageOptions()), None
    except Exception as exc:
        return None, f"wording flags off: {str(exc).splitlines()[0]}"


class Analyzer:
    """Loads models once; ``analyze_file``/``analyze_samples`` return report dicts and
    ``new_pipeline`` gives live capture a pipeline over the same models."""

    def __init__(self, options: AnalyzeOptions = AnalyzeOptions()):
        self.options = options
        tic = time.perf_counter()
        self.transcriber = Transcriber(options.transcriber)
        self.vad_session = load_silero_session()
        self.laughter_detector, laugh_warning = load_laughter_detector(options.pipeline.laughter)
        self.wording_judge, wording_warning = load_wording_judge(options.pipeline)
        self.warnings = [w for w in (laugh_warning, wording_warning) if w]
        self.load_s = time.perf_counter() - tic

    def new_pipeline(self, clock=None, options: Optional[PipelineOptions] = None) -> Pipeline:
        """A fresh pipeline (fresh baseline) over the loaded models."""
        pipeline = Pipeline(
            self.transcriber,
            options or self.options.pipeline,
            clock=clock,
            vad_session=self.vad_session,
            laughter_detector=self.laughter_detector,
            wording_judge=self.wording_judge,
        )
        for warning in self.warnings:
            pipeline.warn(warning)
        return pipeline

    def analyze_file(
        self,
        path: Union[str, Path],
        on_progress: Optional[Callable[[float, float], None]] = None,
        channel: Optional[Union[str, int]] = None,
    ) -> dict:
        """Report of one recording; ``channel`` overrides the options' channel."""
        tic = time.perf_counter()
        audio = load_audio(path, self.options.channel if channel is None else channel)
        decode_s = time.perf_counter() - tic
        source = {"path": str(path), "sample_rate": audio.source_rate, "channels": audio.source_channels, "channel": audio.channel}
        return self.analyze_samples(audio, source, decode_s, on_progress)

    def analyze_samples(self, audio: DecodedAudio, source: dict, decode_s: float = 0.0, on_progress=None) -> dict:
        pipeline = self.new_pipeline()
        samples = audio.samples
        duration = audio.duration_s
        progress = (lambda done: on_progress(done, duration)) if on_progress else None
        tic = time.perf_counter()
        events = run_to_end(pipeline, samples, on_progress=progress)
        if self.options.whole_call_baseline:
            events = rejudge_events(events, pipeline.baseline.snapshot(), pipeline.options.thresholds)
        wall = time.perf_counter() - tic
        if len(samples) == 0:
            events.append(StatusEvent("warning", "the recording holds no audio samples"))
        elif float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) < SILENCE_RMS:
            events.append(StatusEvent("warning", "the recording is silent (below -80 dBFS)"))
        elif not any(e.type == "speech" for e in events):
            events.append(StatusEvent("warning", "no speech detected"))
        elif not any(e.type == "judged_apology" for e in events):
            events.append(StatusEvent("warning", "no apology found"))
        stages = {"decode": decode_s, **pipeline.timings}
        timings = {
            "wall_s": wall + decode_s,
            "model_load_s": self.load_s,
            "real_time_factor": (wall + decode_s) / duration if duration > 0 else None,
            "stages_s": stages,
        }
        profile = measured_profile(pipeline.profile) if self.options.all_speech else None
        return build_report(
            events,
            duration,
            source=source,
            model=self.transcriber.describe(),
            timings=timings,
            profile=profile,
            baseline=asdict(pipeline.baseline.snapshot()),
            include_words=self.options.include_words,
        )


def sample_call_path() -> Path:
    """The bundled, self-generated sample call (benchmarks/make_sample.py)."""
    return Path(__file__).with_name("samples") / "sample_call.flac"
