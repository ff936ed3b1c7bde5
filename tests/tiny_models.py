"""The tiny models of a test session, built once by scripts/make_test_model.py's fixed recipe.

A model that misses its quality gate fails the first test that asks for it, with the reason;
every later test that needs it is skipped with that reason: it is never rebuilt per test.
Fixtures of any scope call these functions (conftest.py wraps them for function scope).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tests.paths import FIXTURES, ROOT

DE_EN_PAIRS = FIXTURES / "de_en_news.tsv"
FR_EN_PAIRS = FIXTURES / "fr_en_news.tsv"
CACHE = ROOT / ".cache" / "test-models"


def load_script(name: str) -> ModuleType:
    """A module of scripts/, imported once (the scripts are not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_BUILT: dict[str, Path | str] = {}
"""Each tiny model of this session: its directory, or why its build failed."""


def _built(name: str, build: Callable[[], Path]) -> Path:
    if name not in _BUILT:
        try:
            _BUILT[name] = build()
        except load_script("make_test_model").QualityGateError as error:
            _BUILT[name] = str(error)
            pytest.fail(f"test model {name} failed its quality gate: {error}", pytrace=False)
    built = _BUILT[name]
    if isinstance(built, str):
        pytest.skip(f"test model {name} failed its quality gate earlier in this session: {built}")
    return built


def _ensure(name: str, pairs_file: Path, **recipe) -> Path:
    make = load_script("make_test_model")
    return _built(name, lambda: make.ensure_model(CACHE / name, pairs_file, **recipe))


def de_en() -> Path:
    """A real de->en Marian model trained on the 123-pair fixture."""
    return _ensure("tiny-de-en", DE_EN_PAIRS)


def bart() -> Path:
    """A real BART summarizer that writes the lead of English fixture text."""
    return _ensure("tiny-bart", DE_EN_PAIRS, kind="bart")


def fr_en() -> Path:
    """A real fr->en model from the 40-pair French fixture."""
    return _ensure("tiny-fr-en", FR_EN_PAIRS, languages=("fr", "en"))


def en_fr() -> Path:
    """The same fixture the other way round: en->fr, the second leg of a de->en->fr pivot."""
    return _ensure("tiny-en-fr", FR_EN_PAIRS, languages=("en", "fr"), reverse=True)
