"""The tiny models of a test session, built once by scripts/make_test_model.py's fixed recipe.

A model that misses its quality gate fails the first test that asks for it, with the reason;
every later test that needs it is skipped with that reason: it is never rebuilt per test.
Fixtures of any scope call these functions (conftest.py wraps them for function scope).

Each build is single-threaded, so a session that needs models starts building the stale ones at
once in two background processes (`prebuild`), one core each; a test that needs a model waits on
its build's lock and then finds it in the cache. The builds outlive a session that stops early:
the next one finds them done.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.paths import FIXTURES, ROOT

DE_EN_PAIRS = FIXTURES / "de_en_news.tsv"
FR_EN_PAIRS = FIXTURES / "fr_en_news.tsv"
CACHE = ROOT / ".cache" / "test-models"
KEEP_DAYS = 14
"""Cached builds of other recipes (another branch, an older checkout) are removed after this."""
RECIPES: dict[str, dict[str, Any]] = {
    "tiny-de-en": {"pairs_file": DE_EN_PAIRS},
    "tiny-bart": {"pairs_file": DE_EN_PAIRS, "kind": "bart"},
    "tiny-fr-en": {"pairs_file": FR_EN_PAIRS, "languages": ("fr", "en")},
    "tiny-en-fr": {"pairs_file": FR_EN_PAIRS, "languages": ("en", "fr"), "reverse": True},
}
"""ensure_model's arguments for each tiny model, by its directory name."""
PREBUILD_QUEUES = (("tiny-de-en", "tiny-fr-en"), ("tiny-bart", "tiny-en-fr"))
"""Two queues for two cores, the models the first test files need first."""


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


def model_dir(name: str) -> Path:
    """Where the current recipe's build of a model lives: CACHE/<recipe hash>/<name>.

    Keyed by the recipe, so checkouts with different recipes (branches, copies of the tree that
    share .cache/) each keep their own build instead of rebuilding over each other's.
    """
    return CACHE / load_script("make_test_model").recipe_of(**RECIPES[name]) / name


def _ensure(name: str) -> Path:
    make = load_script("make_test_model")
    built = _built(name, lambda: make.ensure_model(model_dir(name), **RECIPES[name]))
    built.parent.touch()  # in use: _prune keeps it
    return built


def prebuild(needed: set[str]) -> list[subprocess.Popen]:
    """Start building those of the `needed` models whose cache is stale, in background processes."""
    make = load_script("make_test_model")
    _prune()
    started = []
    for queue in PREBUILD_QUEUES:
        stale = [n for n in queue if n in needed and not make.is_built(model_dir(n), **RECIPES[n])]
        if stale:
            command = [sys.executable, "-m", "tests.tiny_models", *stale]
            # Quiet: a failed build is reported by the first test that needs its model.
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            started.append(subprocess.Popen(command, cwd=ROOT, **quiet))
    return started


def _prune() -> None:
    """Remove cached builds of other recipes that no session has used for KEEP_DAYS."""
    current = {model_dir(name).parent for name in RECIPES}
    cutoff = time.time() - KEEP_DAYS * 86400
    for recipe in CACHE.glob("*"):
        if recipe.is_dir() and recipe not in current and recipe.stat().st_mtime < cutoff:
            shutil.rmtree(recipe, ignore_errors=True)


def de_en() -> Path:
    """A real de->en Marian model trained on the 123-pair fixture."""
    return _ensure("tiny-de-en")


def bart() -> Path:
    """A real BART summarizer that writes the lead of English fixture text."""
    return _ensure("tiny-bart")


def fr_en() -> Path:
    """A real fr->en model from the 40-pair French fixture."""
    return _ensure("tiny-fr-en")


def en_fr() -> Path:
    """The same fixture the other way round: en->fr, the second leg of a de->en->fr pivot."""
    return _ensure("tiny-en-fr")


if __name__ == "__main__":  # prebuild's worker: build the named models, one after the other
    make_test_model = load_script("make_test_model")
    for model in sys.argv[1:]:
        try:
            make_test_model.ensure_model(model_dir(model), **RECIPES[model])
        except make_test_model.QualityGateError as error:  # the test that needs it reports it
            print(error, file=sys.stderr)
