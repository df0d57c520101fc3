"""The overlay window: state line, quiet pace gauge, one cue, a short history.

It only consumes events (``handle_event``, called through queued Qt signals on the GUI
thread); which cue to show comes from ``cues.CueBoard``, the texts from
``analyzer.coaching``.  It never takes focus: a frameless Tool window with
WindowDoesNotAcceptFocus, shown without activating, no child accepts focus.
"""

from __future__ import annotations

import sys
from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...coaching import state_text
from ...events import ApologyEvent, FlagEvent, JudgedApology, RunningMeasures, StatusEvent
from .cues import COOLDOWN_S, HOLD_S, CueBoard

TEXT, DIM = "#e6e6e6", "#9aa0a6"
STATE_COLOR = {
    "loading": "#8fa8c8", "listening": "#6fbf73", "paused": "#b0b0b0", "no_microphone": "#e0a040",
    "microphone_lost": "#e07a5f", "behind": "#d9c060", "ended": "#9a9a9a", "error": "#e07a5f",
}
PACE_COLOR = {"comfortable": "#c8ccd0", "brisk": "#d9b860", "fast": "#e08a6a"}
CUE_IDLE = "Cues appear here after an apology."
WDA_EXCLUDEFROMCAPTURE = 0x11  # Windows 10 2004+: the window is left out of screen capture
FOCUSLESS = Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint | Qt.Tool | Qt.WindowDoesNotAcceptFocus


class PaceGauge(QWidget):
    """The agent's current rate as a ratio of their usual rate on a thin track: the
    comfortable band is plain grey; only a marker in the brisk/fast bands gets a (muted)
    colour.  Bands come from the config's [pace] and [rushed] thresholds."""

    LO, HI = 0.6, 1.8  # ratio range drawn

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ratio: Optional[float] = None
        self.pace = "unknown"
        self.brisk, self.fast = 1.15, 1.35
        self.setFixedHeight(12)
        self.setFocusPolicy(Qt.NoFocus)

    def set_bands(self, brisk: float, fast: float) -> None:
        self.brisk, self.fast = brisk, fast
        self.update()

    def set_ratio(self, ratio: Optional[float], pace: str) -> None:
        self.ratio, self.pace = ratio, pace
        self.update()

    def _x(self, ratio: float) -> float:
        r = min(self.HI, max(self.LO, ratio))
        return 1 + (self.width() - 2) * (r - self.LO) / (self.HI - self.LO)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        mid = self.height() / 2
        track = QRectF(1, mid - 2, self.width() - 2, 4)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(255, 255, 255, 40))
        p.drawRoundedRect(track, 2, 2)
        for lo, hi, colour in ((self.brisk, self.fast, QColor(217, 184, 96, 60)), (self.fast, self.HI, QColor(224, 138, 106, 60))):
            p.setBrush(colour)
            p.drawRect(QRectF(self._x(lo), mid - 2, self._x(hi) - self._x(lo), 4))
        p.setPen(QPen(QColor(255, 255, 255, 90), 1))
        p.drawLine(QPointF(self._x(1.0), mid - 4), QPointF(self._x(1.0), mid + 4))  # your usual
        if self.ratio is not None and self.pace != "unknown":
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(PACE_COLOR.get(self.pace, TEXT)))
            p.drawEllipse(QPointF(self._x(self.ratio), mid), 4.5, 4.5)
        p.end()


def _label(text: str = "", colour: str = TEXT, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {colour}; background: transparent;")
    label.setWordWrap(wrap)
    label.setFocusPolicy(Qt.NoFocus)
    label.setTextInteractionFlags(Qt.NoTextInteraction)
    return label


class OverlayWindow(QWidget):
    """The overlay.  settings: dict from ``settings.load_settings``; saving: the --save
    path (the privacy mark says so) or None."""

    cue_changed = Signal(str, str)  # (flag kind, cue text) now on screen; ("", "") when it retired
    state_changed = Signal(str)  # loading, listening, paused, no_microphone, ...
    pause_requested = Signal(bool)  # True: pause
    device_requested = Signal(object)  # microphone name/index (None: default)
    settings_changed = Signal()
    quit_requested = Signal()

    def __init__(self, settings: dict, saving: Optional[str] = None, hold_s: float = HOLD_S, cooldown_s: float = COOLDOWN_S):
        super().__init__(None, FOCUSLESS)
        self.settings = settings
        self.hold_s = hold_s
        self.board = CueBoard(settings["groups"], cooldown_s)
        self.state = ""
        self.audio_s = 0.0  # audio time of the latest event
        self.setAttribute(Qt.WA_TranslucentBackground)
        self.setAttribute(Qt.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.NoFocus)
        self.setWindowTitle("sincerity overlay")
        self._drag: Optional[QPointF] = None
        self._cue_active = False
        # Events come in bursts; the history and the window size are refreshed once per
        # burst (a zero-time timer), not once per event.
        self._refresh_timer = QTimer(self, singleShot=True, interval=0, timeout=self.refresh)
        self._hold = QTimer(self, singleShot=True, timeout=self._retire)
        self._build(saving)
        self.apply_settings()
        self.set_state("loading")

    # -- layout -----------------------------------------------------------------------
    def _build(self, saving: Optional[str]) -> None:
        self.dot = _label("\u25cf")
        self.headline = _label()
        self.privacy = _label("\u25cb nothing is recorded" if saving is None else f"\u25cf recording to {saving}", DIM if saving is None else "#e07a5f")
        self.privacy.setToolTip("Audio stays in memory and is never written to disk." if saving is None else f"--save: the analysed audio is written to {saving}")
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.dot)
        top.addWidget(self.headline, 1)
        top.addWidget(self.privacy)
        self.advice = _label("", DIM, wrap=True)
        self.message = _label("", DIM, wrap=True)
        self.message.hide()
        self.gauge = PaceGauge()
        self.pace_text = _label("Pace: learning your usual rate\u2026", DIM)
        self.cue = QLabel(CUE_IDLE)
        self.cue.setWordWrap(True)
        self.cue.setFocusPolicy(Qt.NoFocus)
        self.cue.setTextInteractionFlags(Qt.NoTextInteraction)
        self.cue.setContentsMargins(11, 6, 8, 6)
        self.cue.setMinimumHeight(48)
        self.cue.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.history = _label("", DIM, wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(5)
        layout.addLayout(top)
        layout.addWidget(self.advice)
        layout.addWidget(self.message)
        layout.addSpacing(2)
        layout.addWidget(self.gauge)
        layout.addWidget(self.pace_text)
        layout.addSpacing(2)
        layout.addWidget(self.cue)
        layout.addWidget(self.history)
        self._style_cue(False)

    def _style_cue(self, active: bool) -> None:
        # Palette, not a style sheet: restyling on every cue costs the event loop tens of ms.
        # The box itself is painted by the window (paintEvent).
        self._cue_active = active
        palette = self.cue.palette()
        palette.setColor(QPalette.WindowText, QColor("#fff3dc" if active else DIM))
        self.cue.setPalette(palette)
        font = QFont(self.font())
        font.setPointSizeF(self.settings["font_pt"] * 1.2)
        font.setBold(active)
        self.cue.setFont(font)
        self.update()

    def apply_settings(self) -> None:
        """Font, width, opacity and click-through from ``self.settings``."""
        s = self.settings
        font = QFont(self.font())
        font.setPointSizeF(s["font_pt"])
        for widget in (self.headline, self.privacy, self.advice, self.message, self.pace_text, self.history, self.dot):
            widget.setFont(font)
        small = QFont(font)
        small.setPointSizeF(max(7.0, s["font_pt"] * 0.85))
        for widget in (self.privacy, self.message, self.pace_text, self.history):
            widget.setFont(small)
        self._style_cue(self.board.current is not None)
        self.setFixedWidth(int(s["width"] * s["font_pt"] / 11))
        self.setWindowOpacity(s["opacity"])
        through = bool(s["click_through"])
        if bool(self.windowFlags() & Qt.WindowTransparentForInput) != through:
            visible = self.isVisible()
            self.setWindowFlag(Qt.WindowTransparentForInput, through)
            if visible:
                self.show()  # changing flags hides a window
        self.board.set_groups(s["groups"])
        self.refresh()
        self.adjustSize()

    # -- what it shows ----------------------------------------------------------------
    def set_state(self, state: str, message: str = "") -> None:
        headline, advice = state_text(state)
        self.dot.setStyleSheet(f"color: {STATE_COLOR.get(state, DIM)}; background: transparent;")
        self.headline.setText(headline)
        self.advice.setText(advice)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.adjustSize()
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def set_bands(self, brisk_ratio: float, fast_ratio: float) -> None:
        self.gauge.set_bands(brisk_ratio, fast_ratio)

    def handle_event(self, event) -> None:
        """One session event (GUI thread)."""
        self.audio_s = max(self.audio_s, getattr(event, "emitted_at_s", 0.0))
        if isinstance(event, StatusEvent):
            self._on_status(event)
        elif isinstance(event, RunningMeasures):
            self.gauge.set_ratio(event.rate_vs_baseline, event.pace)
            if event.pace == "unknown":
                self.pace_text.setText(f"Pace: {event.speaking_rate_sps:.1f} syll/s \u00b7 learning your usual rate\u2026")
            else:
                self.pace_text.setText(f"Pace: {event.speaking_rate_sps:.1f} syll/s \u00b7 your usual {event.baseline.speaking_rate_sps:.1f}")
        elif isinstance(event, ApologyEvent):
            self.board.on_apology(event.start, event.end, event.text)
            self._refresh_timer.start()
        elif isinstance(event, FlagEvent):
            cue = self.board.on_flag(event)
            if cue is not None:
                self._show_cue(cue)
            self._refresh_timer.start()
        elif isinstance(event, JudgedApology):
            self.board.on_judged(event.apology.start, event.apology.end)
            self._refresh_timer.start()

    def _on_status(self, event: StatusEvent) -> None:
        status = event.status
        if status in ("started", "resumed", "caught_up"):
            self.set_state("listening")
        elif status == "paused":
            self.set_state("paused")
        elif status == "behind":
            self.set_state("behind", event.message)
        elif status == "device_lost":
            self.set_state("microphone_lost", event.message)
        elif status == "stopped" and self.state not in ("microphone_lost", "error"):
            self.set_state("ended", "" if event.message == "end of source" else event.message)

    def _show_cue(self, cue) -> None:
        self.cue.setText(cue.text)
        self._style_cue(True)
        self._refresh_timer.start()
        self._hold.start(int(self.hold_s * 1000))
        self.cue_changed.emit(cue.kind, cue.text)

    def _retire(self) -> None:
        nxt = self.board.retire()
        if nxt is not None:
            self._show_cue(nxt)
        else:
            self.cue.setText(CUE_IDLE)
            self._style_cue(False)
            self.cue_changed.emit("", "")
        self._refresh_timer.start()

    def refresh(self) -> None:
        """History line and window size from the cue board (coalesced per event burst)."""
        past = self.board.past()
        if not past:
            self.history.setText("")
            self.history.hide()
        else:
            opened = self.settings.get("history_open")
            shown = [n.detail() for n in past] if opened else [past[0].line()]
            arrow = "\u25be" if opened else "\u25b8"
            text = f"{arrow} Earlier ({len(past)}):\n" + "\n".join(shown)
            if text == self.history.text() and self.history.isVisible():
                return  # unchanged: no relayout
            self.history.setText(text)
            self.history.setToolTip("\n".join(n.detail() for n in past))
            self.history.show()
        self.adjustSize()

    # -- window behaviour -------------------------------------------------------------
    def place_at_edge(self) -> None:
        """Saved position, else the right edge of the primary screen, a third down."""
        s = self.settings
        if s["x"] is not None and s["y"] is not None:
            self.move(int(s["x"]), int(s["y"]))
            return
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            geo = screen.availableGeometry()
            self.move(geo.right() - self.width() - 16, geo.top() + geo.height() // 3)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        exclude_from_capture(self)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(QPen(QColor(255, 255, 255, 36), 1))
        p.setBrush(QColor(22, 24, 28, 232))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        box = QRectF(self.cue.geometry())
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(255, 255, 255, 18 if self._cue_active else 8))
        p.drawRoundedRect(box, 4, 4)
        p.setBrush(QColor("#d9b860") if self._cue_active else QColor(255, 255, 255, 30))
        p.drawRect(QRectF(box.left(), box.top(), 3, box.height()))
        p.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            if self.history.isVisible() and self.history.geometry().contains(event.position().toPoint()):
                self.settings["history_open"] = not self.settings.get("history_open")
                self.refresh()
                self.settings_changed.emit()
                return
            handle = self.windowHandle()
            if handle is not None and handle.startSystemMove():  # Wayland and X11 window managers
                self._drag = None
            else:
                self._drag = event.globalPosition() - QPointF(self.pos())

    def mouseMoveEvent(self, event) -> None:
        if self._drag is not None and event.buttons() & Qt.LeftButton:
            self.move((event.globalPosition() - self._drag).toPoint())

    def mouseReleaseEvent(self, event) -> None:
        self._drag = None
        self.remember_position()

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        if self.isVisible() and self._drag is None and event.spontaneous():
            self.remember_position()  # moved by the window manager (startSystemMove)

    def remember_position(self) -> None:
        if (self.settings["x"], self.settings["y"]) != (self.x(), self.y()):
            self.settings["x"], self.settings["y"] = self.x(), self.y()
            self.settings_changed.emit()

    def contextMenuEvent(self, event) -> None:
        from .menu import build_menu

        build_menu(self).exec(event.globalPos())

    def closeEvent(self, event) -> None:
        self.quit_requested.emit()
        super().closeEvent(event)


def exclude_from_capture(window: QWidget) -> bool:
    """Windows 10 2004+: keep the overlay out of screen shares and recordings
    (SetWindowDisplayAffinity WDA_EXCLUDEFROMCAPTURE).  False elsewhere or on failure."""
    if sys.platform != "win32":
        return False
    try:
        import ctypes

        return bool(ctypes.windll.user32.SetWindowDisplayAffinity(int(window.winId()), WDA_EXCLUDEFROMCAPTURE))
    except Exception:  # older Windows, no user32: the overlay still works, just visible in shares
        return False
