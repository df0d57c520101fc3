"""Post-call analysis of recordings: one pipeline run per file, models loaded once.

The ``Analyzer`` owns the expensive, shareable parts (Whisper, Silero VAD session,
laughter model, phrase lists) and builds a fresh ``Pipeline`` (fresh baseline) per call.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np

from .audio import DecodedAudio, load_audio
from .diarize import Diarization, DiarizeOptions, diarize, mute_spans
from .events import StatusEvent
from .greeting import make_greeter
from .measures import measured_profile
from .pipeline import Pipeline, PipelineOptions, run_to_end
from .report import build_report
from .timeline import PitchContour, build_timeline
from .transcribe import Transcriber, TranscriberOptions
from .vad import load_silero_session
from .wholecall import rejudge_events

SILENCE_RMS = 1e-4  # below -80 dBFS: nothing to analyse


@dataclass(frozen=True)
class AnalyzeOptions:
    """channel: agent's channel (auto, left, right, mix, index); all_speech: add whole-call
    measures to the report; include_words: add the word list to the report; timeline: add
    the ``timeline`` block (speech, per-utterance rate, pitch contour: analyzer.timeline)
    that the HTML report draws;
    speakers: on mono (or mixed-down) audio, "auto" finds one or two voices, "1" takes all
    speech as the agent's, "2" always separates two; agent_voice: a recording of the agent
    alone (enrolment) that names which voice is the agent.;
    whole_call_baseline: judge every apology's tone against the agent's baseline from the
    whole call (analyzer.wholecall); False keeps the running baseline live capture uses
    (speech heard before the apology only), for parity with live."""

    channel: Union[str, int] = "auto"
    transcriber: TranscriberOptions = field(default_factory=TranscriberOptions)
    pipeline: PipelineOptions = field(default_factory=lambda: PipelineOptions(asr_pack_s=24.0))
    all_speech: bool = False
    include_words: bool = True
    timeline: bool = False
    speakers: str = "auto"
    agent_voice: Optional[Path] = None
    diarize: DiarizeOptions = field(default_factory=DiarizeOptions)
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

        judge = WordingJudge(options.wording_options or LanguageOptions())
        return judge, judge.model_warning
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
        self._speaker_encoder = None
        self.voiceprint = self.enrol(load_audio(options.agent_voice).samples) if options.agent_voice else None
        self.load_s = time.perf_counter() - tic

    @property
    def speaker_encoder(self):
        """The voice-embedding model, loaded on first use (only mono calls need it)."""
        if self._speaker_encoder is None:
            from .speakers import SpeakerEncoder

            self._speaker_encoder = SpeakerEncoder(window_s=self.options.diarize.windows.window_s)
        return self._speaker_encoder

    def enrol(self, samples: np.ndarray) -> np.ndarray:
        """The agent's voiceprint (unit (256,)) from 16 kHz audio of the agent alone."""
        return self.speaker_encoder.voiceprint(samples, self.vad_session, self.options.diarize.windows)

    def separate(self, audio: DecodedAudio, speakers: Optional[str] = None, voiceprint: Optional[np.ndarray] = None) -> Optional[Diarization]:
        """Speaker turns of a mono or mixed-down recording (None when a channel was chosen
        or ``speakers`` is "1")."""
        speakers = speakers or self.options.speakers
        if audio.channel not in ("mono", "mix") or speakers == "1" or len(audio.samples) == 0:
            return None
        options = replace(self.options.diarize, speakers=speakers)
        voiceprint = voiceprint if voiceprint is not None else self.voiceprint
        return diarize(audio.samples, self.vad_session, self.speaker_encoder, options, voiceprint, make_greeter(audio.samples, self.transcriber))

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
        speakers: Optional[str] = None,
        voice: Optional[np.ndarray] = None,
    ) -> dict:
        """Report of one recording; ``channel`` and ``speakers`` override the options';
        ``voice``: 16 kHz audio of the agent alone (enrolment) for this call."""
        tic = time.perf_counter()
        audio = load_audio(path, self.options.channel if channel is None else channel)
        decode_s = time.perf_counter() - tic
        source = {"path": str(path), "sample_rate": audio.source_rate, "channels": audio.source_channels, "channel": audio.channel}
        return self.analyze_samples(audio, source, decode_s, on_progress, speakers=speakers, voice=voice)

    def analyze_samples(self, audio: DecodedAudio, source: dict, decode_s: float = 0.0, on_progress=None, speakers: Optional[str] = None, voice: Optional[np.ndarray] = None) -> dict:
        tic = time.perf_counter()
        separation = self.separate(audio, speakers, self.enrol(voice) if voice is not None else None)
        diarize_s = time.perf_counter() - tic
        samples = audio.samples
        if separation is not None and separation.speakers == 2:  # only the agent's voice goes on
            samples = mute_spans(samples, separation.other_spans())
        pipeline = self.new_pipeline()
        contour = PitchContour() if self.options.timeline else None
        pipeline.on_pitch = contour
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
        if separation is not None and separation.speakers == 2:
            how = {"enrolment": "by the enrolled voice", "greeting": "as the voice that greets", "first_speaker": "as the first speaker"}[separation.agent_selection["method"]]
            events.insert(0, StatusEvent("warning", f"two speakers detected; measuring the agent (chosen {how})"))
        elif separation is not None and separation.hint:
            events.insert(0, StatusEvent("warning", separation.hint))
        stages = {"decode": decode_s, "diarize": diarize_s, **(separation.timings if separation is not None else {}), **pipeline.timings}
        wall += diarize_s
        timings = {
            "wall_s": wall + decode_s,
            "model_load_s": self.load_s,
            "real_time_factor": (wall + decode_s) / duration if duration > 0 else None,
            "stages_s": stages,
        }
        profile = measured_profile(pipeline.profile) if self.options.all_speech else None
        baseline = pipeline.baseline.snapshot()
        timeline = build_timeline(events, contour, baseline, pipeline.options.thresholds) if contour is not None else None
        report = build_report(
            events,
            duration,
            source=source,
            model=self.transcriber.describe(),
            timings=timings,
            profile=profile,
            baseline=asdict(baseline),
            include_words=self.options.include_words,
            timeline=timeline,
        )
        report.update(speaker_fields(separation, audio.channel))
        return report


def speaker_fields(separation: Optional[Diarization], channel: str) -> dict:
    """The report's ``speaker_turns`` and ``agent_selection``: how the agent's speech was
    told apart (a chosen channel needs no diarization)."""
    if separation is not None:
        return separation.report_fields()
    method = "channel" if channel not in ("mono", "mix") else "off"
    return {"speaker_turns": [], "agent_selection": {"method": method, "score": None, "speakers": None}}


def sample_call_path() -> Path:
    """The bundled, self-generated sample call (benchmarks/make_sample.py)."""
    return Path(__file__).with_name("samples") / "sample_call.flac"
