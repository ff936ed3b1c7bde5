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

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-de-en"
DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"
DEFAULT_WORKSPACE = ".workbench"
DB_NAME = "workbench.db"
TOML_NAME = "workbench.toml"


class SettingsError(WorkbenchError, ValueError):
    """A setting has a value the workbench cannot use."""


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError
    return number


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


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "model": str,
    "summary_model": str,
    "target_language": _language,
    "models": _pair_models,
    "backend": _backend,
    "beam_size": _positive_int,
    "batch_tokens": _positive_int,
    "reviewer": str,
    "models_dir": str,
    "offline": _flag,
}
_HINTS = {
    "backend": f"one of {', '.join(BACKENDS)}",
    "beam_size": "a positive integer",
    "batch_tokens": "a positive integer",
    "offline": "true or false",
    "target_language": "a two- or three-letter language code such as en",
    "models": 'a table of pairs to models, e.g. "fr-en" = "Helsinki-NLP/opus-mt-fr-en"',
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
        except (TypeError, ValueError):
            where = _env_name(name) if source == "environment" else name
            hint = _HINTS.get(name, "a string")
            raise SettingsError(f"{source}: {where} must be {hint}, got {value!r}") from None
    return parsed


def _default_reviewer(env: Mapping[str, str]) -> str:
    try:
        return env.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"
