"""How the test models' quality gate behaves, with a stand-in builder (no training, no torch)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import tiny_models
from tests.paths import FIXTURES

make_test_model = tiny_models.load_script("make_test_model")


@pytest.fixture
def builds(monkeypatch) -> list[Path]:
    """Every build the stand-in 'marian' builder is asked for; it writes a model that learned little."""
    asked: list[Path] = []

    def build(pairs_file: Path, out_dir: Path, languages, reverse) -> float:
        asked.append(out_dir)
        out_dir.mkdir(parents=True)
        (out_dir / "config.json").write_text("{}")
        return 12.5

    monkeypatch.setitem(make_test_model._BUILD, "marian", build)
    return asked


def test_a_missed_gate_is_one_error_kept_for_the_recipe_and_leaves_no_model(tmp_path, builds) -> None:
    out = tmp_path / "recipe" / "tiny-de-en"
    for _ in range(2):
        with pytest.raises(make_test_model.QualityGateError, match=r"tiny-de-en: chrF 12\.5 < 97"):
            make_test_model.ensure_model(out, FIXTURES / "de_en_news.tsv")
    assert len(builds) == 1  # the second call does not train again: the recipe is fixed
    assert not out.exists() and not list(out.parent.glob(".tiny-de-en-*"))  # no half model, no scratch


def test_a_passed_gate_is_stamped_and_reused(tmp_path, builds, monkeypatch) -> None:
    monkeypatch.setitem(make_test_model.MIN_CHRF, "marian", 10.0)
    out = tmp_path / "recipe" / "tiny-de-en"
    assert make_test_model.ensure_model(out, FIXTURES / "de_en_news.tsv") == out
    assert make_test_model.ensure_model(out, FIXTURES / "de_en_news.tsv") == out
    assert len(builds) == 1 and make_test_model.is_built(out, FIXTURES / "de_en_news.tsv")
    assert not make_test_model.is_built(out, FIXTURES / "fr_en_news.tsv")  # another fixture, another recipe


def test_a_session_fails_the_first_test_that_needs_a_failed_model_and_skips_the_rest(monkeypatch) -> None:
    calls = []

    def build() -> Path:
        calls.append(1)
        raise make_test_model.QualityGateError("tiny-x: chrF 12.5 < 97")

    monkeypatch.setattr(tiny_models, "_BUILT", {})
    with pytest.raises(pytest.fail.Exception, match=r"failed its quality gate: tiny-x: chrF 12\.5"):
        tiny_models._built("tiny-x", build)
    for _ in range(2):
        with pytest.raises(pytest.skip.Exception, match=r"earlier in this session: tiny-x: chrF 12\.5"):
            tiny_models._built("tiny-x", build)
    assert len(calls) == 1
