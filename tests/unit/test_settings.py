"""Settings resolve as flag > environment > workbench.toml > default, with one-line errors."""

from __future__ import annotations

from pathlib import Path

from workbench.settings import DEFAULT_MODEL, load_workspace


def test_defaults(tmp_path: Path) -> None:
    workspace = load_workspace(str(tmp_path), env={"USER": "ana"})
    settings = workspace.settings
    assert settings.model == DEFAULT_MODEL
    assert (settings.backend, settings.beam_size, settings.reviewer) == ("auto", None, "ana")
    assert workspace.db_path == tmp_path / "workbench.db"


def test_hf_offline_environment_means_offline(tmp_path: Path) -> None:
    assert load_workspace(str(tmp_path), env={"HF_HUB_OFFLINE": "1"}).settings.offline
