"""The `workbench` console script as a user runs it: real processes, a real workspace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.paths import SEEDS

WORKBENCH = Path(sys.executable).parent / "workbench"


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(WORKBENCH), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_missing_model_is_one_line_and_exit_1(tmp_path) -> None:
    result = run(
        "-w", str(tmp_path / "W"), "--offline", "--models-dir", str(tmp_path / "m"), "translate", str(SEEDS)
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("workbench: error:")]
    assert errors == [
        "workbench: error: model 'Helsinki-NLP/opus-mt-de-en' is not available offline;"
        " fetch it with: workbench models pull Helsinki-NLP/opus-mt-de-en"
    ]
    assert "Traceback" not in result.stderr


def test_bad_setting_in_toml_is_one_line(tmp_path) -> None:
    workspace = tmp_path / "W"
    workspace.mkdir()
    (workspace / "workbench.toml").write_text("beam_size = -1\n")
    result = run("-w", str(workspace), "articles")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"workbench: error: {workspace / 'workbench.toml'}: beam_size must be a positive integer, got -1"
    )


def test_models_pull_failure_is_one_line(tmp_path) -> None:
    import os

    env = {**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_ETAG_TIMEOUT": "2"}  # a closed port
    result = run(
        "-w",
        str(tmp_path / "W"),
        "--models-dir",
        str(tmp_path / "m"),
        "models",
        "pull",
        "acme/opus-mt-xx-yy",
        env=env,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith(
        "workbench: error: cannot download 'acme/opus-mt-xx-yy' from the Hugging Face hub ("
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "m" / "acme" / "opus-mt-xx-yy" / "config.json").exists()


def test_python_dash_m_workbench_is_the_command(tmp_path) -> None:
    """Run from a directory that holds no workbench/: the installed package answers, not the cwd."""

    def module(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "workbench", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60)

    usage = module("--help")
    assert usage.returncode == 0 and usage.stdout.startswith("usage: workbench ")
    workspace = str(tmp_path / "W")
    imported = module("-w", workspace, "import", str(SEEDS))
    assert imported.returncode == 0, imported.stderr
    listed = module("-w", workspace, "articles")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == run("-w", workspace, "articles").stdout  # what the console script lists
    assert len(listed.stdout.strip().splitlines()) >= len(list(SEEDS.glob("*.txt")))


def test_usage_error_exits_2(tmp_path) -> None:
    assert run("frobnicate").returncode == 2
