"""Workspace location and settings: command-line flag > environment > workbench.toml > default.

One resolution function serves the CLI, the TUI and the tests, so a setting means the same thing
wherever it is given. Bad values fail early with a one-line message naming the file or variable
and the field.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from workbench.engines.translator import BACKENDS
from workbench.errors import WorkbenchError
from workbench.records import GUIDED_HEAD, AlignmentSource

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-de-en"
DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"
DEFAULT_WORKSPACE = ".workbench"
DB_NAME = "workbench.db"
TOML_NAME = "workbench.toml"
DB_COMPANIONS = ("-wal", "-shm", "-journal", "-lock")
"""Files SQLite (and the workbench's session lock) keep beside the database."""


class SettingsError(WorkbenchError, ValueError):
    """A setting has a value the workbench cannot use."""


MAX_BEAM_SIZE = 32
"""Beyond this a beam costs memory and time for no better translation (opus-mt uses 4-6)."""
MAX_BATCH_TOKENS = 1_000_000
"""Padded source tokens per batch: a bound on memory, so a typo cannot ask for terabytes."""


class _OutOfRange(ValueError):
    """A value of the right type beyond its bound; the message says the bound."""


def _integer(value: Any) -> int:
    """An integer, strictly: 3 or "3", never 2.7, "2.7", true or 1e3 (int() would take some)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError
    if isinstance(value, str):
        if not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise ValueError
        value = int(value)
    return value


def _bounded(high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        number = _integer(value)
        if number < 1:
            raise ValueError
        if number > high:
            raise _OutOfRange(f"at most {high:,}")
        return number

    return parse


def _backend(value: Any) -> str:
    if str(value) not in BACKENDS:
        raise ValueError
    return str(value)


def _language(value: Any) -> str:
    text = str(value).strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", text):
        raise ValueError
    return text


def _pair_models(value: Any) -> dict[str, str]:
    """`{"de-en": "model"}` from a TOML table, or "de-en=model,fr-en=model" from the environment."""
    if isinstance(value, str):
        value = dict(item.split("=", 1) for item in value.split(",") if item.strip())
    if not isinstance(value, Mapping):
        raise ValueError
    pairs = {str(k).strip(): str(v).strip() for k, v in value.items()}
    if not all(re.fullmatch(r"[a-z]{2,3}-[a-z]{2,3}", pair) and model for pair, model in pairs.items()):
        raise ValueError
    return pairs


def _alignment_sources(value: Any) -> dict[str, AlignmentSource]:
    """`{"MODEL": {"layer": -1, "heads": [0]}}` from a TOML table: where a model's alignment is read."""
    if not isinstance(value, Mapping):
        raise ValueError
    sources = {}
    for model, table in value.items():
        if not isinstance(table, Mapping) or set(table) - {"layer", "heads"}:
            raise ValueError
        layer, heads = table.get("layer", -1), table.get("heads", [0])
        if not _is_int(layer) or not isinstance(heads, list) or not heads:
            raise ValueError
        if not all(_is_int(head) and head >= 0 for head in heads) or len(set(heads)) != len(heads):
            raise ValueError
        sources[str(model)] = AlignmentSource(layer, tuple(heads))
    return sources


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


MAX_FETCH_SECONDS = 600.0
MAX_FETCH_RETRIES = 10


def _seconds(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    number = float(value)  # ValueError for text that is no number
    if not 0 < number <= MAX_FETCH_SECONDS:
        raise ValueError
    return number


def _retries(value: Any) -> int:
    number = _integer(value)
    if not 0 <= number <= MAX_FETCH_RETRIES:
        raise ValueError
    return number


def _feeds(value: Any) -> dict[str, str]:
    """`{"name": "https://…"}` from a TOML table, or "name=url,name=url" from the environment."""
    if isinstance(value, str):
        value = dict(item.split("=", 1) for item in value.split(",") if item.strip())
    if not isinstance(value, Mapping):
        raise ValueError
    feeds = {str(name).strip(): str(where).strip() for name, where in value.items()}
    if not all(name and where and isinstance(where, str) for name, where in feeds.items()):
        raise ValueError
    return feeds


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    backend: str = "auto"
    """auto: CTranslate2 int8 when installed, else transformers (the reference)."""
    beam_size: int | None = None
    """None: the model's own generation config decides (4 for opus-mt)."""
    batch_tokens: int = 4096
    """Padded source tokens per batch; bounds memory whatever the sentence lengths."""
    reviewer: str = ""
    models_dir: str = "models"
    offline: bool = False
    summary_model: str = DEFAULT_SUMMARY_MODEL
    """The abstractive summarizer (English news); extractive summaries need no model."""
    target_language: str = "en"
    """The language the workspace's translations (and its reviewers' work) are in."""
    models: dict[str, str] = field(default_factory=dict)
    """A model per language pair ("fr-en" -> hub id or directory), before the opus-mt default."""
    alignment: dict[str, AlignmentSource] = field(default_factory=dict)
    """Where word alignment is read for models not trained like opus-mt (default: GUIDED_HEAD)."""
    feeds: dict[str, str] = field(default_factory=dict)
    """RSS/Atom feeds the workspace follows (`[feeds]`: name -> URL or file), for `import --feeds`."""
    fetch_timeout: float = 20.0
    """Seconds to connect and for each read of a page."""
    fetch_retries: int = 3
    """Further tries after a 429 or 5xx answer."""
    fetch_backoff: float = 1.0
    """Seconds before the first retry, doubled for each next one."""

    def alignment_source(self, model: str) -> AlignmentSource:
        """The model's configured alignment source, or the guided-alignment head opus-mt trains."""
        return self.alignment.get(model, GUIDED_HEAD)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "model": str,
    "summary_model": str,
    "target_language": _language,
    "models": _pair_models,
    "alignment": _alignment_sources,
    "backend": _backend,
    "beam_size": _bounded(MAX_BEAM_SIZE),
    "batch_tokens": _bounded(MAX_BATCH_TOKENS),
    "reviewer": str,
    "models_dir": str,
    "offline": _flag,
    "feeds": _feeds,
    "fetch_timeout": _seconds,
    "fetch_retries": _retries,
    "fetch_backoff": _seconds,
}
_HINTS = {
    "backend": f"one of {', '.join(BACKENDS)}",
    "beam_size": "a positive integer",
    "batch_tokens": "a positive integer",
    "offline": "true or false",
    "target_language": "a two- or three-letter language code such as en",
    "models": 'a table of pairs to models, e.g. "fr-en" = "Helsinki-NLP/opus-mt-fr-en"',
    "alignment": "a table of models to {layer = -1, heads = [0]} (a decoder layer and its heads)",
    "feeds": 'a table of names to feed URLs or files, e.g. tagesschau = "https://www.tagesschau.de/xml/rss2"',
    "fetch_timeout": f"a number of seconds above 0, at most {MAX_FETCH_SECONDS:g}",
    "fetch_backoff": f"a number of seconds above 0, at most {MAX_FETCH_SECONDS:g}",
    "fetch_retries": f"an integer from 0 to {MAX_FETCH_RETRIES}",
}


def _env_name(field: str) -> str:
    return f"WORKBENCH_{field.upper()}"


@dataclass(frozen=True)
class Workspace:
    """A directory holding the database and an optional settings file."""

    path: Path
    settings: Settings

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    @property
    def models_dir(self) -> Path:
        return Path(self.settings.models_dir).expanduser()

    def own_files(self) -> tuple[Path, ...]:
        """Files no output may replace: the database with its WAL, shared memory, journal and
        session lock, and the settings file."""
        db = self.db_path
        companions = (db.with_name(db.name + suffix) for suffix in DB_COMPANIONS)
        return (db, *companions, self.path / TOML_NAME)


def workspace_path(flag: str | None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(flag or env.get("WORKBENCH_WORKSPACE") or DEFAULT_WORKSPACE).expanduser()


def load_workspace(
    flag_path: str | None = None,
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Workspace:
    env = os.environ if env is None else env
    path = workspace_path(flag_path, env)
    return Workspace(path, resolve_settings(path / TOML_NAME, flags or {}, env))


def resolve_settings(toml_path: Path, flags: Mapping[str, Any], env: Mapping[str, str]) -> Settings:
    values: dict[str, Any] = {}
    for source, raw in (
        (str(toml_path), _read_toml(toml_path)),
        (
            "environment",
            {f.name: env[_env_name(f.name)] for f in fields(Settings) if _env_name(f.name) in env},
        ),
        ("command line", {k: v for k, v in flags.items() if v is not None}),
    ):
        values.update(_parse(source, raw))
    if "offline" not in values and _flag(env.get("HF_HUB_OFFLINE", "0")):
        values["offline"] = True
    if not values.get("reviewer"):
        values["reviewer"] = _default_reviewer(env)
    return Settings(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from error
    unknown = sorted(set(data) - set(_PARSERS))
    if unknown:
        raise SettingsError(f"{path}: unknown setting '{unknown[0]}' (known: {', '.join(_PARSERS)})")
    return data


def _parse(source: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            parsed[name] = _PARSERS[name](value)
        except (TypeError, ValueError) as error:
            where = _env_name(name) if source == "environment" else name
            hint = _HINTS.get(name, "a string")
            reason = f" ({error})" if isinstance(error, _OutOfRange) else ""
            raise SettingsError(f"{source}: {where} must be {hint}, got {value!r}{reason}") from None
    return parsed


def _default_reviewer(env: Mapping[str, str]) -> str:
    try:
        return env.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"
