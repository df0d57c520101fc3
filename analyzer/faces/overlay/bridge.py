"""From the live session (worker threads) to the overlay (GUI thread): only Qt signals.

``EventBridge`` is the session listener: it re-emits every event as a Qt signal, which
queued connections deliver on the GUI thread.  ``SessionController`` loads the models and
runs ``LiveSession``s on plain threads (model loading, warm-up and analysis never run on
the GUI thread) and reports states and the end through signals too.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

from PySide6.QtCore import QObject, Signal

from ...capture import LiveError
from ...session import LiveSession


class EventBridge(QObject):
    """A LiveSession listener (called on the worker thread) that emits ``event``."""

    event = Signal(object)

    def __call__(self, event) -> None:
        self.event.emit(event)


class SessionController(QObject):
    """Runs the analysis off the GUI thread.

    make_analyzer(): the loaded Analyzer (slow: models).  make_source(device): an opened
    microphone source (raises LiveError).  session_options: LiveSession keyword arguments
    (duration_s, max_behind_s, save).
    """

    state = Signal(str, str)  # (state, message) for states that do not come from events
    bands = Signal(float, float)  # pace gauge bands: brisk ratio, fast (rushed) ratio
    ended = Signal(object)  # the session summary (dict) when a session ended by itself

    def __init__(self, make_analyzer: Callable, make_source: Callable, session_options: Optional[dict] = None):
        super().__init__()
        self.events = EventBridge()
        self._make_analyzer = make_analyzer
        self._make_source = make_source
        self._options = dict(session_options or {})
        self.analyzer = None
        self.session: Optional[LiveSession] = None
        self._warm = False
        self._lock = threading.Lock()  # one session change at a time
        self._paused = False
        self.error: Optional[str] = None

    def start(self, source=None, source_error: Optional[str] = None) -> None:
        """Load the models, then run ``source`` (or show "no microphone": source_error)."""
        threading.Thread(target=self._boot, args=(source, source_error), name="sincerity-overlay-boot", daemon=True).start()

    def _boot(self, source, source_error: Optional[str]) -> None:
        with self._lock:
            self.state.emit("loading", "")
            try:
                self.analyzer = self._make_analyzer()
            except Exception as exc:  # ConfigError, ModelError: a message, not a traceback
                self.error = str(exc)
                self.state.emit("error", self.error)
                self.ended.emit({"end": "error", "error": self.error})
                return
            t = self.analyzer.options.pipeline.thresholds
            self.bands.emit(float(t.pace.brisk_ratio), float(t.rushed.min_rate_ratio))
            if source is None:
                self.state.emit("no_microphone", source_error or "")
                return
            session = self._open(source)
        if session is not None:
            self._watch(session)

    def _open(self, source) -> Optional[LiveSession]:
        session = LiveSession(self.analyzer, source, [self.events], **self._options)
        try:
            session.start(warm=not self._warm)
        except LiveError as exc:
            self.state.emit("no_microphone", str(exc))
            return None
        self._warm = True
        if self._paused:
            session.pause()
        self.session = session
        return session

    def _watch(self, session: LiveSession) -> None:
        session.wait()
        if self.session is not session:
            return  # replaced by a microphone switch: not an end
        summary = session.summary()
        if session.error is not None:
            self.error = f"live analysis failed: {session.error}"
            self.state.emit("error", self.error)
        self.ended.emit(summary)

    # -- requests from the window (GUI thread) ----------------------------------------
    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        session = self.session
        if session is not None:
            session.pause() if paused else session.resume()

    def switch_device(self, device) -> None:
        """Stop the current session and listen on microphone ``device`` (None: default)."""
        threading.Thread(target=self._switch, args=(device,), name="sincerity-overlay-switch", daemon=True).start()

    def _switch(self, device) -> None:
        with self._lock:
            if self.analyzer is None:
                return
            old, self.session = self.session, None
            if old is not None:
                old.stop()
                old.wait(10)
            try:
                source = self._make_source(device)
            except LiveError as exc:
                self.state.emit("no_microphone", str(exc))
                return
            session = self._open(source)
        if session is not None:
            self._watch(session)

    def stop(self, timeout_s: float = 10.0) -> Optional[dict]:
        """End the session (quit); its summary, or None when none ran."""
        session = self.session
        if session is None:
            return None
        session.stop()
        session.wait(timeout_s)
        return session.summary()
