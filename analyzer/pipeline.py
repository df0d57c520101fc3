"""The streaming pipeline: 16 kHz blocks in, typed events out.

    blocks -> VAD utterances -> Whisper words -> apologies -> measures vs baseline
           -> tone flags (at once) -> laughter / wording flags (when their window closes)
           -> JudgedApology (the complete record of one apology)

A file is analysed by feeding its blocks as fast as the CPU allows; live capture feeds the
same object from the microphone.  Only fixed-size state is kept (running sums, histograms,
a few seconds of recent words and laughter), so memory stays flat over long sessions.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np

from .apology import ApologyFinder, FinderOptions
from .bleed import BleedGate, BleedOptions
from .audio import SAMPLE_RATE
from .config import Thresholds
from .events import (
    ApologyEvent,
    Event,
    JudgedApology,
    RunningMeasures,
    SpeechSegment,
    StatusEvent,
    Word,
    WordsEvent,
)
from .judge import judge_delivery, pace_band
from .delivery import breath_group, measure_apology, runs_outside
from .measures import SENTENCE_PAUSE_S, BaselineTracker, compare, measure_span
from .open_apologies import OpenApologies
from .pitch import PitchTrack, align_octave, track_pitch
from .transcribe import Transcriber, transcribe_packed
from .vad import Utterance, UtteranceSegmenter, VadOptions
from .wording_redecode import CasualRedecoder, Heard, heard_context

RECENT_S = 30.0  # words kept for context windows
# A bare "Sorry." ending an utterance waits this long (s of transcribed audio) for the next
# utterance, which may show it was the start of a repeat request ("Sorry. You cut out.").
FOLLOW_S = 1.5


@dataclass(frozen=True)
class PipelineOptions:
    """thresholds: flag thresholds (analyzer.config); vad: utterance cutting;
    finder: apology spans; asr_pack_s: 0 transcribes each utterance as soon as it closes
    (live: lowest latency); > 0 packs utterances up to that many seconds into one Whisper
    call (files: ~5x less ASR time, same downstream processing); laughter: run the laughter detector (needs models/laughter.onnx);
    wording: judge the apology's words (analyzer.language); wording_options: its options.
    hold_for_baseline_s: an apology heard before the agent's own baseline is known (rate
    and pitch both from this call, analyzer.measures) is judged once it is, or this many
    seconds of transcribed audio after the apology, whichever comes first, rather than
    against population defaults at once; 0 judges at once (reasons then name the default).
    """

    thresholds: Thresholds = field(default_factory=Thresholds)
    vad: VadOptions = field(default_factory=VadOptions)
    finder: FinderOptions = field(default_factory=FinderOptions)
    asr_pack_s: float = 0.0
    laughter: bool = True
    wording: bool = True
    wording_options: Optional[object] = None
    bleed_gate: Optional[BleedOptions] = None  # live: drop far-end bleed (analyzer.bleed)
    hold_for_baseline_s: float = 20.0
    # Recognise apology-like utterances a second time, primed for casual forms, for the
    # wording judge only (analyzer.wording_redecode); spans and measures are unchanged.
    # Opt-in post-call (`analyze --casual-redecode`: about one Whisper pass per apology);
    # never live, where it would add that call before each apology's tone flags.
    casual_redecode: bool = False


@dataclass
class _Held:
    """A bare apology keyword ending its utterance, waiting for what follows (FOLLOW_S)."""

    apology: ApologyEvent
    pitch: PitchTrack
    words: list[Word]  # its utterance
    recent: list[Word]  # words heard before its utterance
    later: list[Word] = field(default_factory=list)  # words of the utterances after it
    heard: Optional[Heard] = None  # the casual re-recognition of its utterance (wording only)


def _established(baseline) -> bool:
    """True once rate and pitch both come from the agent's own speech in this call."""
    return baseline.rate_source == "call" and baseline.pitch_source == "call"


class Pipeline:
    """Feed 16 kHz mono float32 blocks; receive events.

    ``clock`` returns the audio time (s) already captured when an event is emitted; live
    capture passes one so latency counts audio that arrived while we were busy.  By
    default it is the audio consumed by the pipeline.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        options: PipelineOptions = PipelineOptions(),
        clock: Optional[Callable[[], float]] = None,
        vad_session=None,
        laughter_detector=None,
        wording_judge=None,
    ):
        self.options = options
        self.transcriber = transcriber
        self.segmenter = UtteranceSegmenter(options.vad, session=vad_session)
        self.finder = ApologyFinder(options.finder)
        self.baseline = BaselineTracker(options.thresholds.baseline)
        self.profile = BaselineTracker(options.thresholds.baseline)  # all speech, --all-speech
        self._samples_in = 0
        self._clock = clock
        self._recent_words: deque[Word] = deque()
        self._held: list[_Held] = []
        self._unjudged: list[_Held] = []  # apologies waiting for the agent's baseline
        self._measured: list[tuple[float, float]] = []  # (start, end) s of the windows apologies were measured over
        self._queued_status: list[Event] = []
        self._asr_queue: list[Utterance] = []
        # Live capture sets this while catching up: utterances are counted, not transcribed.
        self.skip_utterances = False
        self.skipped_utterances = 0
        self.skipped_speech_s = 0.0
        self.laughter = None
        if laughter_detector is not None and options.laughter:
            from .laughter import LaughterTracker

            self.laughter = LaughterTracker(laughter_detector)
        self.wording = wording_judge if options.wording else None
        self.bleed_gate = BleedGate(options.bleed_gate) if options.bleed_gate is not None else None
        self.timings = {"vad": 0.0, "asr": 0.0, "pitch": 0.0, "laughter": 0.0, "wording": 0.0, "rest": 0.0}
        self.open = OpenApologies(options.thresholds, self.wording, self.now, self.timings)
        self.redecoder = None
        if self.wording is not None and options.casual_redecode:
            self.redecoder = CasualRedecoder(transcriber, self.finder)
            self.timings["redecode"] = 0.0
        # Called with each utterance's octave-aligned PitchTrack (the report's timeline).
        self.on_pitch: Optional[Callable[[PitchTrack], None]] = None

    def warn(self, message: str) -> None:
        """Queue a warning StatusEvent for the next feed/finish call."""
        self._queued_status.append(StatusEvent("warning", message))

    @property
    def consumed_s(self) -> float:
        return self._samples_in / SAMPLE_RATE

    def now(self) -> float:
        return self._clock() if self._clock is not None else self.consumed_s

    @property
    def _window_s(self) -> float:
        """How long after an apology ends its record stays open."""
        # the laughter tracker decides a laugh up to one encoder chunk (+ window) after it
        laugh = self.options.thresholds.nervous_laugh.margin_s + (self.laughter.latency_s if self.laughter else 0.0)
        action = getattr(self.wording.options, "action_window_s", 8.0) if self.wording else 0.0
        return max(laugh, action)

    # -- streaming -------------------------------------------------------------------
    def feed(self, block: np.ndarray) -> list[Event]:
        """Consume a block (float32, 16 kHz, shape (n,)); return the events it produced."""
        events: list[Event] = self._queued_status
        self._queued_status = []
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        t0 = self.consumed_s
        self._samples_in += len(block)
        if self.laughter is not None:
            tic = time.perf_counter()
            events += self.open.on_laughter(self.laughter.feed(block, t0), self.consumed_s)
            self.timings["laughter"] += time.perf_counter() - tic
        tic = time.perf_counter()
        utterances = self.segmenter.feed(block)
        self.timings["vad"] += time.perf_counter() - tic
        events += self._queue_utterances(utterances, flush=False)
        heard_until = self._heard_until_s()
        events += self._release_held(before_s=heard_until - FOLLOW_S)
        events += self._judge_unjudged(before_s=heard_until - self.options.hold_for_baseline_s)
        events += self.open.close(heard_until - self._window_s)
        return events

    def _heard_until_s(self) -> float:
        """Audio time up to which every word has been transcribed: apologies' context
        windows close against this, not against audio still waiting for Whisper."""
        pending = [u.start for u in self._asr_queue]
        if self.segmenter.open_since_s is not None:
            pending.append(self.segmenter.open_since_s)
        return min(pending, default=self.consumed_s)

    def finish(self) -> list[Event]:
        """End of stream: close the open utterance and every pending apology."""
        events: list[Event] = self._queued_status
        self._queued_status = []
        events += self._queue_utterances(self.segmenter.flush(), flush=True)
        if self.laughter is not None:
            events += self.open.on_laughter(self.laughter.flush(), self.consumed_s)
        events += self._release_held(before_s=float("inf"))
        events += self._judge_unjudged(before_s=float("inf"))
        events += self.open.close(float("inf"))
        return events

    # -- stages ----------------------------------------------------------------------
    def _queue_utterances(self, utterances: list[Utterance], flush: bool) -> list[Event]:
        """Transcribe closed utterances, packed up to ``asr_pack_s`` per Whisper call."""
        events: list[Event] = []
        if self.skip_utterances:
            self.skipped_utterances += len(utterances)
            self.skipped_speech_s += sum(u.end - u.start for u in utterances)
            utterances = []
        if self.bleed_gate is not None:
            utterances = [u for u in utterances if self.bleed_gate.keep(u.samples)]
        pack_s = self.options.asr_pack_s
        for utt in utterances + ([None] if flush else []):
            queued = sum(u.end - u.start + 0.3 for u in self._asr_queue)
            full = utt is None or queued + (utt.end - utt.start) > pack_s
            if full and self._asr_queue:
                tic = time.perf_counter()
                batch = transcribe_packed(self.transcriber, [(u.start, u.samples) for u in self._asr_queue])
                self.timings["asr"] += time.perf_counter() - tic
                for queued_utt, words in zip(self._asr_queue, batch):
                    events += self._on_utterance(queued_utt, words)
                self._asr_queue = []
            if utt is not None:
                self._asr_queue.append(utt)
                if pack_s <= 0:
                    events += self._queue_utterances([], flush=True)
        return events

    def _on_utterance(self, utt: Utterance, words: list[Word]) -> list[Event]:
        events: list[Event] = [SpeechSegment(utt.start, utt.end, self.now())]
        words = self._clamp_to_speech(words, utt)
        if not words:
            return events
        events.append(WordsEvent(utt.start, utt.end, tuple(words), self.now()))
        tic = time.perf_counter()
        pitch = track_pitch(utt.samples, SAMPLE_RATE, offset_s=utt.start)
        pitch = align_octave(pitch, self.baseline.snapshot().pitch_median_hz)
        self.timings["pitch"] += time.perf_counter() - tic
        if self.on_pitch is not None:
            self.on_pitch(pitch)
        tic = time.perf_counter()
        self.open.hear(words)
        for waiting in self._unjudged:
            waiting.later += words
        events += self._release_held(before_s=float("inf"), next_words=words, next_pitch=pitch)
        apologies = self.finder.find(words, self.now())
        heard = None
        if self.redecoder is not None:
            redecode_tic = time.perf_counter()
            apologies, heard = self.redecoder.revise(utt.samples, utt.start, words, apologies, self.now(),
                                                     clamp=lambda ws: self._clamp_to_speech(ws, utt))
            spent = time.perf_counter() - redecode_tic
            self.timings["redecode"] += spent
            tic += spent  # not "rest"
        for apology in apologies:
            if self.finder.awaits_next(apology, words):
                self._held.append(_Held(apology, pitch, words, list(self._recent_words), heard=heard))
            else:
                events += self._on_apology(apology, pitch, words, list(self._recent_words), heard=heard)
        self._update_baseline(words, apologies, pitch)
        events += self._judge_unjudged(before_s=-float("inf"))
        self._remember_words(words)
        snapshot = self.baseline.snapshot()
        utter = compare(measure_span(words, pitch), snapshot, self.options.thresholds.rushed.population_log_spread, self.options.thresholds.rushed.spread_prior_sentences)
        pace = pace_band(utter.rate_vs_baseline, snapshot.rate_source, self.options.thresholds)
        events.append(
            RunningMeasures(
                utt.start, utt.end, utter.speaking_rate_sps, utter.pitch_median_hz, utter.pitch_range_st, snapshot, self.now(),
                rate_vs_baseline=utter.rate_vs_baseline, pitch_shift_st=utter.pitch_shift_st, pace=pace,
            )
        )
        self.timings["rest"] += time.perf_counter() - tic
        return events

    def _clamp_to_speech(self, words: list[Word], utt: Utterance) -> list[Word]:
        """Whisper tends to start an utterance's first word at the start of the cut audio,
        i.e. in the VAD's leading pad; start no word before the voice onset (the VAD's) so a span's
        rate does not depend on how the audio was cut (live vs packed file runs)."""
        onset = utt.onset_s
        return [w if w.start >= onset else Word(w.text, onset, max(onset, w.end), w.probability) for w in words]

    def _release_held(self, before_s: float, next_words: Optional[list[Word]] = None, next_pitch: Optional[PitchTrack] = None) -> list[Event]:
        """Judge held apologies that ended before ``before_s``; with ``next_words`` (the next
        utterance) drop those it shows to open a repeat request.  A held "I'm sorry." that
        the next utterance continues within a breath pause ("I'm sorry. [0.4 s] I think I
        put you through to the wrong team") is measured with it (``next_pitch``: its F0)."""
        events: list[Event] = []
        still: list[_Held] = []
        for held in self._held:
            if held.apology.end > before_s:
                still.append(held)
                continue
            follows = bool(next_words) and next_words[0].start - held.apology.end <= FOLLOW_S
            if follows and self.finder.opens_repeat_request(next_words):
                continue  # "Sorry. [pause] Could you say that again?": not an apology
            pitch, words = held.pitch, held.words
            if next_words and next_pitch is not None and next_words[0].start - held.words[-1].end < SENTENCE_PAUSE_S:
                pitch, words = pitch.joined(next_pitch), held.words + next_words
            events += self._on_apology(held.apology, pitch, words, held.recent, later=next_words or [], heard=held.heard)
        self._held = still
        return events

    def _judge_unjudged(self, before_s: float) -> list[Event]:
        """Judge the apologies waiting for the agent's baseline: all of them once it is
        established, else those that ended before ``before_s`` (waited long enough)."""
        if not self._unjudged:  # called per audio block: nothing to do is the usual case
            return []
        established = _established(self.baseline.snapshot())
        events: list[Event] = []
        still: list[_Held] = []
        for waiting in self._unjudged:
            if established or waiting.apology.end <= before_s:
                events += self._on_apology(waiting.apology, waiting.pitch, waiting.words, waiting.recent, waiting.later,
                                           waited=True, heard=waiting.heard)
            else:
                still.append(waiting)
        self._unjudged = still
        return events

    def _on_apology(
        self,
        apology: ApologyEvent,
        pitch: PitchTrack,
        words: list[Word],
        recent: list[Word],
        later: Sequence[Word] = (),
        waited: bool = False,
        heard: Optional[Heard] = None,
    ) -> list[Event]:
        """Measure and judge ``apology`` (in utterance ``words``; ``recent``: words heard
        before that utterance; ``later``: words of utterances already heard after it).
        Before the agent's own baseline is known it waits (``hold_for_baseline_s``) unless
        it already has (``waited``)."""
        thresholds = self.options.thresholds
        baseline = self.baseline.snapshot()
        if not waited and self.options.hold_for_baseline_s > 0 and not _established(baseline):
            self._unjudged.append(_Held(apology, pitch, words, recent, list(later), heard))
            return []
        measures = measure_apology(apology, words, pitch, baseline, thresholds)
        self._measured.append((measures.breath_start_s, measures.breath_end_s))
        flags = tuple(judge_delivery(measures, baseline, thresholds))
        judged = JudgedApology(apology, measures, baseline, flags, self.now())
        before = [w for w in recent + words if w.end <= apology.start]
        after = [w for w in list(words) + list(later) if w.start >= apology.end]
        events: list[Event] = [replace(apology, emitted_at_s=self.now())]
        events += [self.open.flag_event(f, apology) for f in flags]
        events += self.open.add(judged, before, after, heard_context(heard, apology, recent, later))
        return events

    def _update_baseline(self, words: list[Word], apologies: list[ApologyEvent], pitch: PitchTrack) -> None:
        """Stretches of the utterance outside the apologies' measured breath groups go into
        the baseline (what is said in the apology's breath carries its tone: a cheerful
        "I'm sorry, I think I put you through..." would raise the usual pitch it is judged
        against); all of it into the whole-call profile."""
        self.profile.add(words, pitch)
        windows = [breath_group(a, words, self.options.thresholds) for a in apologies]
        spans = [(min(a.start, w[0].start), max(a.end, w[-1].end)) if w else (a.start, a.end) for a, w in zip(apologies, windows)]
        spans += [(lo, hi) for lo, hi in self._measured if hi > words[0].start]  # a held apology's window reaching into this utterance
        self._measured = [(lo, hi) for lo, hi in self._measured if hi > words[-1].end]
        for run in runs_outside(words, spans):
            self.baseline.add(run, pitch)

    def _remember_words(self, words: list[Word]) -> None:
        self._recent_words.extend(words)
        while self._recent_words and self._recent_words[0].end < self.consumed_s - RECENT_S:
            self._recent_words.popleft()


def run_to_end(pipeline: Pipeline, samples: np.ndarray, block_s: float = 1.0, on_progress=None) -> list[Event]:
    """Feed a whole recording through ``pipeline`` as fast as possible; return all events.

    on_progress(seconds_done) is called after each block (progress bars).
    """
    from .audio import iter_blocks

    events: list[Event] = []
    for block in iter_blocks(samples, block_s):
        events += pipeline.feed(block)
        if on_progress is not None:
            on_progress(pipeline.consumed_s)
    events += pipeline.finish()
    return events

