"""Shared fixtures: the tiny Marian model (built once, cached under .cache/), workspaces, seeds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PAIRS_FILE = ROOT / "tests" / "fixtures" / "de_en_news.tsv"
MODEL_CACHE = ROOT / ".cache" / "test-models" / "tiny-de-en"
BART_CACHE = ROOT / ".cache" / "test-models" / "tiny-bart"
FR_PAIRS_FILE = ROOT / "tests" / "fixtures" / "fr_en_news.tsv"


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    """A real de->en Marian model trained on the fixture; rebuilt only when its recipe changes."""
    return _load_script("make_test_model").ensure_model(MODEL_CACHE, PAIRS_FILE)


@pytest.fixture(scope="session")
def tiny_bart() -> Path:
    """A real BART summarizer that writes the lead of English fixture text (about 20 s to build)."""
    return _load_script("make_test_model").ensure_model(BART_CACHE, PAIRS_FILE, kind="bart")


@pytest.fixture(scope="session")
def tiny_fr_en() -> Path:
    """A real fr->en model from the 40-pair French fixture (about 15 s to build)."""
    return _load_script("make_test_model").ensure_model(
        ROOT / ".cache" / "test-models" / "tiny-fr-en", FR_PAIRS_FILE, languages=("fr", "en")
    )


@pytest.fixture(scope="session")
def tiny_en_fr() -> Path:
    """The same fixture the other way round: en->fr, the second leg of a de->en->fr pivot."""
    return _load_script("make_test_model").ensure_model(
        ROOT / ".cache" / "test-models" / "tiny-en-fr", FR_PAIRS_FILE, languages=("en", "fr"), reverse=True
    )


@pytest.fixture(scope="session")
def pairs() -> list[tuple[str, str]]:
    from workbench.engines.tiny_marian import read_pairs

    return read_pairs(PAIRS_FILE)


@pytest.fixture(scope="session")
def translator(tiny_model):
    from workbench.engines.marian import MarianTranslator

    return MarianTranslator(tiny_model)


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def make_bench(workspace_dir: Path, tiny_model: Path, tmp_path: Path):
    """Open a Workbench on the test workspace with the tiny model; closed after the test."""
    from workbench.service import Workbench
    from workbench.settings import load_workspace

    opened = []

    def make(**flags) -> Workbench:
        flags.setdefault("model", str(tiny_model))
        flags.setdefault("models_dir", str(tmp_path / "models"))
        workspace = load_workspace(str(workspace_dir), flags, env={})
        bench = Workbench(workspace)
        opened.append(bench)
        return bench

    yield make
    for bench in opened:
        bench.close()
