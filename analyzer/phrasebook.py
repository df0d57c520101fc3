"""Phrase lists of the wording judge: the bundled ``analyzer/phrases/<language>.toml``
plus company files, merged into one ``PhraseBook`` (syntax documented in the TOML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Phrase-list sections: the four "found" kinds, the two marker lists whose absence is a
# flag, and the apology keywords the span is anchored on.
FOUND_KINDS = ("qualified", "minimizing", "casual", "scripted")
SECTIONS = (*FOUND_KINDS, "empathy", "action", "apology")


@dataclass
class PhraseBook:
    """The phrase lists of one language plus any company files, merged."""

    phrases: dict[str, list[str]] = field(default_factory=dict)
    exceptions: dict[str, list[str]] = field(default_factory=dict)
    sets: dict[str, list[str]] = field(default_factory=dict)
    fillers: list[str] = field(default_factory=list)
    keep_repeats: list[str] = field(default_factory=list)
    token_map: dict[str, str] = field(default_factory=dict)
    sequences: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, language: str = "en", extra_files: Iterable[Path] = ()) -> "PhraseBook":
        book = cls()
        book.merge(_read_toml(phrase_file(language)), phrase_file(language))
        for path in extra_files:
            book.merge(_read_toml(Path(path)), Path(path))
        return book

    def merge(self, data: dict, source: Path) -> None:
        unknown = set(data) - {*SECTIONS, "sets", "normalise"}
        if unknown:
            raise ValueError(f"{source}: unknown section(s) {sorted(unknown)}; "
                             f"expected {sorted({*SECTIONS, 'sets', 'normalise'})}")
        for section in SECTIONS:
            part = data.get(section, {})
            self.phrases.setdefault(section, []).extend(part.get("phrases", []))
            self.exceptions.setdefault(section, []).extend(part.get("exceptions", []))
        for name, members in data.get("sets", {}).items():
            self.sets.setdefault(name, []).extend(members)
        norm = data.get("normalise", {})
        self.fillers.extend(norm.get("fillers", []))
        self.keep_repeats.extend(norm.get("keep_repeats", []))
        self.token_map.update(norm.get("tokens", {}))
        self.sequences.update(norm.get("sequences", {}))


def phrase_file(language: str) -> Path:
    """The bundled phrase file of ``language`` (ValueError when there is none)."""
    path = Path(str(resources.files("analyzer.phrases") / f"{language}.toml"))
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.toml"))
        raise ValueError(f"no phrase list for language {language!r}; have {available}")
    return path


def _read_toml(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)

