"""Shared fixtures: the tiny models (see tests/tiny_models.py), workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import tiny_models


@pytest.fixture
def tiny_model() -> Path:
    return tiny_models.de_en()


@pytest.fixture
def tiny_bart() -> Path:
    return tiny_models.bart()


@pytest.fixture
def tiny_fr_en() -> Path:
    return tiny_models.fr_en()


@pytest.fixture
def tiny_en_fr() -> Path:
    return tiny_models.en_fr()


@pytest.fixture(scope="session")
def pairs() -> list[tuple[str, str]]:
    from workbench.testing.tiny_marian import read_pairs

    return read_pairs(tiny_models.DE_EN_PAIRS)


_TRANSLATORS: dict[Path, object] = {}


@pytest.fixture
def translator(tiny_model):
    """The transformers translator over the tiny model, loaded once per session."""
    from workbench.engines.marian import MarianTranslator

    if tiny_model not in _TRANSLATORS:
        _TRANSLATORS[tiny_model] = MarianTranslator(tiny_model)
    return _TRANSLATORS[tiny_model]


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/integration/ are marked, so `-m "not integration"` selects the unit tests."""
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


_FIXTURE_MODELS = {"tiny_bart": "tiny-bart", "tiny_fr_en": "tiny-fr-en", "tiny_en_fr": "tiny-en-fr"}


def pytest_collection_finish(session: pytest.Session) -> None:
    """A session with integration tests starts building the stale tiny models it needs at once.

    Every integration module needs de-en (some through module fixtures pytest cannot see); the
    others only where a collected test asks for them. The builds run on when the session ends.
    """
    integration = [item for item in session.items if "integration" in item.path.parts]
    if integration:
        used = {name for item in integration for name in getattr(item, "fixturenames", ())}
        needed = {"tiny-de-en"} | {model for fixture, model in _FIXTURE_MODELS.items() if fixture in used}
        tiny_models.prebuild(needed)
