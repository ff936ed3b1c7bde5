"""Settings resolve as flag > environment > workbench.toml > default, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.records import GUIDED_HEAD, AlignmentSource
from workbench.settings import DEFAULT_MODEL, SettingsError, load_workspace


def test_defaults(tmp_path: Path) -> None:
    workspace = load_workspace(str(tmp_path), env={"USER": "ana"})
    settings = workspace.settings
    assert settings.model == DEFAULT_MODEL
    assert (settings.backend, settings.beam_size, settings.reviewer) == ("auto", None, "ana")
    assert workspace.db_path == tmp_path / "workbench.db"


def test_hf_offline_environment_means_offline(tmp_path: Path) -> None:
    assert load_workspace(str(tmp_path), env={"HF_HUB_OFFLINE": "1"}).settings.offline


def test_alignment_source_per_model_with_the_guided_head_as_default(tmp_path: Path) -> None:
    (tmp_path / "workbench.toml").write_text(
        '[alignment."acme/other-mt"]\nlayer = -2\nheads = [0, 1, 2, 3]\n', encoding="utf-8"
    )
    settings = load_workspace(str(tmp_path), env={}).settings
    assert settings.alignment_source("acme/other-mt") == AlignmentSource(-2, (0, 1, 2, 3))
    assert settings.alignment_source("acme/other-mt").label() == "l-2h0-3"
    assert settings.alignment_source(DEFAULT_MODEL) == GUIDED_HEAD == AlignmentSource(-1, (0,))
    assert GUIDED_HEAD.label() == "l-1h0" and GUIDED_HEAD.leading_heads() == 1
    assert AlignmentSource(3, (1, 2)).leading_heads() is None


@pytest.mark.parametrize(
    "table",
    ["layer = 1.5", "layer = true", "heads = 0", "heads = []", "heads = [-1]", "heads = [0, 0]", "rows = 2"],
)
def test_a_bad_alignment_source_is_one_line_naming_the_setting(tmp_path: Path, table: str) -> None:
    (tmp_path / "workbench.toml").write_text(f'[alignment."acme/mt"]\n{table}\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"workbench\.toml: alignment must be a table of models"):
        load_workspace(str(tmp_path), env={})
