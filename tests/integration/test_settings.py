"""Settings resolve as flag > environment > workbench.toml > default, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.settings import SettingsError, load_workspace


def test_precedence_flag_over_env_over_toml(tmp_path: Path) -> None:
    (tmp_path / "workbench.toml").write_text('model = "from-toml"\nbeam_size = 2\nbatch_tokens = 100\n')
    env = {"WORKBENCH_MODEL": "from-env", "WORKBENCH_BEAM_SIZE": "3"}
    settings = load_workspace(str(tmp_path), {"model": "from-flag"}, env).settings
    assert settings.model == "from-flag"
    assert settings.beam_size == 3
    assert settings.batch_tokens == 100


def test_workspace_from_environment_and_default(tmp_path: Path, monkeypatch) -> None:
    assert load_workspace(None, env={"WORKBENCH_WORKSPACE": str(tmp_path)}).path == tmp_path
    assert load_workspace(None, env={}).path == Path(".workbench")


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("beam_size = 0\n", {}, "workbench.toml: beam_size must be a positive integer"),
        ("colour = 'blue'\n", {}, "unknown setting 'colour'"),
        ("model = \n", {}, "not valid TOML"),
        ("", {"WORKBENCH_BATCH_TOKENS": "many"}, "WORKBENCH_BATCH_TOKENS must be a positive integer"),
        ("", {"WORKBENCH_BACKEND": "magic"}, "WORKBENCH_BACKEND must be one of auto, ctranslate2"),
    ],
)
def test_bad_values_name_the_file_or_variable(tmp_path: Path, toml: str, env: dict, message: str) -> None:
    (tmp_path / "workbench.toml").write_text(toml)
    with pytest.raises(SettingsError, match=message) as error:
        load_workspace(str(tmp_path), env=env)
    assert "\n" not in str(error.value)
