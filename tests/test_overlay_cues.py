"""The overlay's cue choice (analyzer/faces/overlay/cues.py): pure Python, no Qt.

Flags are fed as the pipeline emits them: ``FlagEvent``s with the judge's figures."""

from analyzer.events import FlagEvent
from analyzer.faces.overlay.cues import CueBoard

FIGURES = {  # kind -> (reason, measured, usual, usual_source): as the judge fills them
    "rushed": ("6.2 syll/s, 1.45x this agent's usual 4.3 syll/s", 6.2, 4.3, "call"),
    "cheerful": ("pitch +4.1 st above this agent's usual 180 Hz", 4.1, None, "call"),
    "nervous_laugh": ("laughter 0.8 s after the apology", 0.8, None, ""),
    "no_action": ("no_action: no next step", None, None, ""),
}


def flag(kind: str, start_s: float, end_s: float, emitted_at_s: float) -> FlagEvent:
    reason, measured, usual, source = FIGURES[kind]
    category = "language" if kind == "no_action" else "tone"
    return FlagEvent(kind, reason, start_s, end_s, emitted_at_s, category, measured=measured, usual=usual, usual_source=source)


def test_one_cue_per_apology_most_important_of_the_batch():
    board = CueBoard()
    board.on_apology(10.0, 12.0, "I apologize for the delay")
    assert board.on_flag(flag("cheerful", 10.0, 12.0, 13.0)).kind == "cheerful"
    shown = board.on_flag(flag("rushed", 10.0, 12.0, 13.0))  # same batch, more important
    assert shown.text == "Slow down: 6.2 syll/s, your usual 4.3"
    assert board.on_flag(flag("nervous_laugh", 10.0, 12.0, 14.5)) is None  # later: history only
    note = board.history[-1]
    assert note.texts == ["Lower, steadier tone: pitch +4.1 st above your usual", "Slow down: 6.2 syll/s, your usual 4.3", "Careful: laughter during the apology"]
    # the displaced cheerful was never shown: it is not cooling down
    board.retire()
    assert board.on_flag(flag("cheerful", 20.0, 22.0, 23.0)).kind == "cheerful"


def test_cool_down_per_kind_in_audio_seconds():
    board = CueBoard(cooldown_s=60.0)
    assert board.on_flag(flag("rushed", 10.0, 12.0, 13.0)) is not None
    board.retire()
    assert board.on_flag(flag("rushed", 40.0, 42.0, 43.0)) is None  # 30 s later: cooling down
    assert board.on_flag(flag("cheerful", 40.0, 42.0, 43.0)) is not None  # another kind shows
    board.retire()
    assert board.on_flag(flag("rushed", 80.0, 82.0, 83.5)) is not None  # 70.5 s later


def test_one_cue_on_screen_newest_waits():
    board = CueBoard()
    first = board.on_flag(flag("rushed", 10.0, 12.0, 13.0))
    assert board.on_flag(flag("cheerful", 14.0, 16.0, 17.0)) is None  # waits
    assert board.on_flag(flag("no_action", 18.0, 19.0, 27.0)) is None  # newer waits instead
    assert board.current is first
    nxt = board.retire()
    assert nxt.kind == "no_action" and nxt.text == "Name the problem, then say what you'll do"
    assert board.retire() is None and board.current is None
    assert [n.line().split("  ", 1)[1] for n in board.past()][-1] == "Slow down: 6.2 syll/s, your usual 4.3"


def test_disabled_groups_only_go_to_history():
    board = CueBoard(groups=["tone", "laughter", "wording"])
    assert board.on_flag(flag("rushed", 10.0, 12.0, 13.0)) is None
    assert board.history[-1].texts == ["Slow down: 6.2 syll/s, your usual 4.3"]
    board.on_judged(10.0, 12.0)
    assert board.past()[0].line() == "0:10  Slow down: 6.2 syll/s, your usual 4.3"


def test_apology_without_flags_reads_as_meant():
    board = CueBoard()
    board.on_apology(65.0, 67.0, "I'm really sorry about that")
    board.on_judged(65.0, 67.0)
    assert board.past()[0].line() == "1:05  No flags: it came across as meant"


def test_settings_are_remembered_and_a_broken_file_gives_defaults(tmp_path):
    from analyzer.faces.overlay.settings import DEFAULTS, load_settings, save_settings

    path = tmp_path / "sincerity" / "overlay.json"
    assert load_settings(path) == DEFAULTS
    chosen = dict(DEFAULTS, x=40, y=300, font_pt=13, opacity=0.65, click_through=True, groups=["pace", "laughter"], device="USB headset")
    save_settings(chosen, path)
    assert load_settings(path) == chosen
    path.write_text("{not json")
    assert load_settings(path) == DEFAULTS
    path.write_text('{"opacity": 7, "font_pt": "huge", "unknown": 1}')
    loaded = load_settings(path)
    assert loaded["opacity"] == 1.0 and loaded["font_pt"] == DEFAULTS["font_pt"] and "unknown" not in loaded
