"""The overlay's context menu (right-click): pause, microphone, cues, font, opacity,
click-through, quit.  Choices go into ``window.settings`` (saved by the app)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .cues import CUE_GROUPS

GROUP_LABEL = {"pace": "Pace (rushed)", "tone": "Tone (upbeat, flat)", "laughter": "Laughter", "wording": "Wording"}
FONT_SIZES = (("Small", 9), ("Medium", 11), ("Large", 13), ("Extra large", 16))
OPACITIES = (1.0, 0.92, 0.8, 0.65, 0.5)


def _devices() -> list:
    try:
        from ...capture import LiveError, input_devices

        return input_devices()
    except LiveError:
        return []


def build_menu(window) -> QMenu:
    s = window.settings
    menu = QMenu(window)
    paused = window.state == "paused"
    pause = QAction("&Resume" if paused else "&Pause", menu, shortcut=QKeySequence("P"))
    pause.triggered.connect(lambda: window.pause_requested.emit(not paused))
    menu.addAction(pause)

    mics = menu.addMenu("&Microphone")
    default = mics.addAction("System default")
    default.setCheckable(True)
    default.setChecked(s["device"] is None)
    default.triggered.connect(lambda: window.device_requested.emit(None))
    for d in _devices():
        action = mics.addAction(f"{d['name']} ({d['hostapi']})")
        action.setCheckable(True)
        action.setChecked(s["device"] == d["name"])
        action.triggered.connect(lambda _=False, name=d["name"]: window.device_requested.emit(name))

    cues = menu.addMenu("&Cues to show")
    for group in CUE_GROUPS:
        action = cues.addAction(GROUP_LABEL.get(group, group))
        action.setCheckable(True)
        action.setChecked(group in s["groups"])
        action.toggled.connect(lambda on, g=group: _toggle_group(window, g, on))

    fonts = menu.addMenu("&Font size")
    for name, pt in FONT_SIZES:
        action = fonts.addAction(name)
        action.setCheckable(True)
        action.setChecked(s["font_pt"] == pt)
        action.triggered.connect(lambda _=False, pt=pt: _set(window, "font_pt", pt))

    opacity = menu.addMenu("&Opacity")
    for value in OPACITIES:
        action = opacity.addAction(f"{value:.0%}")
        action.setCheckable(True)
        action.setChecked(abs(s["opacity"] - value) < 0.01)
        action.triggered.connect(lambda _=False, v=value: _set(window, "opacity", v))

    through = menu.addAction("Click-&through (mouse goes to the window below)")
    through.setCheckable(True)
    through.setChecked(bool(s["click_through"]))
    through.setToolTip("The menu cannot open while the mouse passes through: start with --no-click-through to turn it off")
    through.toggled.connect(lambda on: _set(window, "click_through", on))
    menu.addSeparator()
    menu.addAction("&Quit", window.quit_requested.emit)
    return menu


def _set(window, key: str, value) -> None:
    window.settings[key] = value
    window.apply_settings()
    window.settings_changed.emit()


def _toggle_group(window, group: str, on: bool) -> None:
    groups = [g for g in CUE_GROUPS if (g in window.settings["groups"] and g != group) or (g == group and on)]
    _set(window, "groups", groups)
