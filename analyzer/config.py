"""Thresholds that turn measures into flags: one documented config.

Defaults live in ``analyzer/default_config.toml`` (the same file documents each value and
how it was chosen); ``--config FILE`` overrides any subset of it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Optional, Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .measures import BaselineDefaults

DEFAULT_CONFIG = Path(__file__).with_name("default_config.toml")


class ConfigError(Exception):
    """Bad --config file (one-line message)."""


@dataclass(frozen=True)
class RushedThresholds:
    """rushed: the apology's rate is min_rate_z or more of the agent's own sentence-to-
    sentence spreads above their usual rate (log rate ratio / s.d. of their sentences' log
    rates, pooled with population_log_spread weighted as spread_prior_sentences sentences;
    population_log_spread alone until the call has 4 such sentences) AND >= min_rate_sps
    syllables/s, with at least min_syllables syllables (fewer give no stable rate).
    min_rate_ratio: the pace gauge's "fast" band (and the old fixed-ratio rule)."""

    min_rate_ratio: float = 1.4
    min_rate_sps: float = 5.0
    min_syllables: int = 6
    min_rate_z: float = 1.8
    population_log_spread: float = 0.182
    spread_prior_sentences: float = 4.0


@dataclass(frozen=True)
class CheerfulThresholds:
    """cheerful: median pitch raised by >= min_pitch_shift_st AND the pitch peaks (90th
    percentile) raised by >= min_peak_shift_st above the agent's usual peaks: a higher
    voice whose excursions also reach higher (a raise with widened excursions lifts the
    peaks more than the median).  Needs >= min_voiced_s of voiced frames."""

    min_pitch_shift_st: float = 2.0
    min_peak_shift_st: float = 3.5
    min_voiced_s: float = 0.5


@dataclass(frozen=True)
class FlatThresholds:
    """flat: range <= max_range_ratio x baseline range AND <= max_range_st semitones."""

    max_range_ratio: float = 0.6
    max_range_st: float = 3.0
    min_voiced_s: float = 0.6


@dataclass(frozen=True)
class LaughThresholds:
    """nervous_laugh: >= min_laughter_s of laughter inside the apology or within
    margin_s before/after it."""

    margin_s: float = 1.5
    min_laughter_s: float = 0.3


@dataclass(frozen=True)
class PaceThresholds:
    """The live pace gauge: "comfortable" below brisk_ratio x the agent's usual rate,
    "brisk" up to rushed.min_rate_ratio, "fast" from there (where ``rushed`` fires)."""

    brisk_ratio: float = 1.15


@dataclass(frozen=True)
class Thresholds:
    rushed: RushedThresholds = field(default_factory=RushedThresholds)
    cheerful: CheerfulThresholds = field(default_factory=CheerfulThresholds)
    flat: FlatThresholds = field(default_factory=FlatThresholds)
    nervous_laugh: LaughThresholds = field(default_factory=LaughThresholds)
    pace: PaceThresholds = field(default_factory=PaceThresholds)
    baseline: BaselineDefaults = field(default_factory=BaselineDefaults)


def _override(obj: Any, table: dict, where: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(known)})")
        current = getattr(obj, key)
        if hasattr(current, "__dataclass_fields__"):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a table")
            changes[key] = _override(current, value, f"{where}.{key}")
        elif isinstance(current, (int, float)) and not isinstance(value, bool) and isinstance(value, (int, float)):
            changes[key] = type(current)(value)
        else:
            raise ConfigError(f"{where}.{key}: expected a number, got {value!r}")
    return replace(obj, **changes)


def load_thresholds(path: Optional[Union[str, Path]] = None) -> Thresholds:
    """Defaults from default_config.toml, overridden by ``path`` when given."""
    thresholds = _override(Thresholds(), _read(DEFAULT_CONFIG), "default_config")
    if path is not None:
        thresholds = _override(thresholds, _read(Path(path)), str(path))
    return thresholds


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
