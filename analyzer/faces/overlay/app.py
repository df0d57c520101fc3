"""The overlay application: window + session controller + (optional) screenshots.

``run_overlay`` is what ``sincerity overlay`` calls; tests drive ``OverlayApp`` directly
with their own analyzer and source.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QObject, Qt, QTimer, qInstallMessageHandler
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from .bridge import SessionController
from .settings import load_settings, save_settings
from .window import OverlayWindow

Q = Qt.QueuedConnection


def application() -> QApplication:
    """The QApplication (offscreen when there is no display, e.g. headless capture)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(_quiet_offscreen)
    # The analysis thread runs Python code too: hand the GIL to the GUI thread within 1 ms
    # (default 5 ms; every Qt call from Python may wait for it once).
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    return app


def _quiet_offscreen(mode, context, message: str) -> None:
    # the offscreen platform cannot raise windows or pass size hints; say nothing of it
    if "This plugin does not support" not in message:
        sys.stderr.write(message + "\n")


@dataclass
class OverlayResult:
    exit_code: int
    error: Optional[str]
    summary: Optional[dict]


class OverlayApp(QObject):
    """Wires the window to a SessionController.  quit_at_end: quit the event loop when the
    session ends by itself (--duration, headless capture); else the window stays and says
    what happened."""

    def __init__(self, make_analyzer: Callable, make_source: Callable, session_options: dict, settings: dict,
                 saving: Optional[str] = None, screenshot_dir: Optional[Path] = None, quit_at_end: bool = False,
                 persist: bool = True, **window_options):
        super().__init__()
        self.settings = settings
        self.persist = persist
        self.quit_at_end = quit_at_end
        self.window = OverlayWindow(settings, saving, **window_options)
        self.shots = None
        if screenshot_dir is not None:
            from .shots import ScreenshotWriter

            self.shots = ScreenshotWriter(self.window, screenshot_dir)
        c = self.controller = SessionController(make_analyzer, make_source, session_options)
        w = self.window
        c.events.event.connect(w.handle_event, Q)
        c.state.connect(w.set_state, Q)
        c.bands.connect(w.set_bands, Q)
        c.ended.connect(self._on_ended, Q)
        w.pause_requested.connect(c.set_paused)
        w.pause_requested.connect(lambda on: w.set_state("paused") if on else None)
        w.device_requested.connect(self._on_device)
        w.settings_changed.connect(self._save)
        w.quit_requested.connect(self.quit)
        self._pause_key = QShortcut(QKeySequence("P"), w, context=Qt.ApplicationShortcut)
        self._pause_key.activated.connect(lambda: w.pause_requested.emit(w.state != "paused"))
        self.summary: Optional[dict] = None
        self.exit_code = 0
        self.error: Optional[str] = None

    def start(self, source=None, source_error: Optional[str] = None) -> None:
        self.window.place_at_edge()
        self.window.show()
        if self.shots is not None:
            self.shots.shoot("start")
        if source is None and self.quit_at_end:
            # headless and no microphone: show it, say it, end (no models needed)
            self.window.set_state("no_microphone", source_error or "")
            self.error, self.exit_code = source_error, 1
            QTimer.singleShot(100, self.quit)
            return
        self.controller.start(source, source_error)

    def _on_device(self, device) -> None:
        self.settings["device"] = device
        self._save()
        self.controller.switch_device(device)

    def _on_ended(self, summary: dict) -> None:
        self.summary = summary
        if summary.get("device_lost") or summary.get("end") == "error" or self.controller.error:
            self.exit_code = 1
            self.error = summary.get("device_lost") or self.controller.error or summary.get("error")
        if self.quit_at_end:
            QTimer.singleShot(200, self.quit)

    def _save(self) -> None:
        if self.persist:
            save_settings(self.settings)

    def quit(self) -> None:
        summary = self.controller.stop()
        if summary is not None:
            self.summary = summary
        self._save()
        if self.shots is not None:
            self.shots.shoot("end") if self.window.state != "ended" else None
            self.shots.close()
        self.window.hide()
        QApplication.instance().quit()


def run_overlay(make_analyzer: Callable, make_source: Callable, source, source_error: Optional[str],
                session_options: dict, saving: Optional[str], screenshot_dir: Optional[Path],
                quit_at_end: bool, click_through: Optional[bool] = None) -> OverlayResult:
    """Run the overlay until quit (or the end, with quit_at_end)."""
    app = application()
    settings = load_settings()
    if click_through is not None:
        settings["click_through"] = click_through
    overlay = OverlayApp(make_analyzer, make_source, session_options, settings, saving, screenshot_dir, quit_at_end)
    overlay.start(source, source_error)
    app.exec()
    return OverlayResult(overlay.exit_code, overlay.error, overlay.summary)
