"""Every command line README.md shows, run as a new user runs it (issue 15).

From a directory holding a copy of seeds/, with the default workspace (.workbench/ there) and
the tiny de-en model as `WORKBENCH_MODEL` (the README's demo model): the example session's `$ `
lines in order, each output line the README prints under a command found in the real output (in
order; `...` stands for lines left out; timings and the clone's path may differ), then the
other code-block lines and every `workbench …` in backticks. Each exits 0, except `models pull`
of a hub model, which needs a network: it must fail in one line that names the model. A line
this test does not know how to treat fails it, so a README change cannot slip past.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import readme
from tests.paths import ROOT, SEEDS
from workbench import cli

WORKBENCH = Path(sys.executable).parent / "workbench"
README_CLONE = "/home/ana/workbench"
"""Where the README's example session ran: its paths are the test directory's here."""

NOT_RUN = {
    ("make",): "sets up .venv and runs the suite that holds this test",
    ("python", "scripts/make_test_model.py"): "builds the tiny models: tests/tiny_models.py runs it",
    ("python", "scripts/bench.py"): "a benchmark of minutes: docs/performance.md",
}
RUN_ELSEWHERE = {
    ("workbench", "adapt"): "fine-tunes a model on 3 or more approved pairs: tests of workbench adapt",
}
_METAVARIABLE = re.compile(r"^\[|^<.*>$|^[A-Z][A-Z_]+$|\.\.\.$")


def _key(argv: tuple[str, ...], table: dict) -> str | None:
    return next((why for prefix, why in table.items() if argv[: len(prefix)] == prefix), None)


def _is_template(argv: tuple[str, ...]) -> bool:
    """A synopsis such as `workbench [OPTIONS] [COMMAND]` or `models pull <id>`, not a command."""
    return any(_METAVARIABLE.search(word) for word in argv)


@pytest.fixture(scope="module")
def clone(tmp_path_factory, tiny_model_dir) -> tuple[Path, dict]:
    """A new user's directory (seeds/, scripts/) and environment: the default workspace, the
    tiny model, no network (the hub is a closed local port, so `models pull` fails at once)."""
    home = tmp_path_factory.mktemp("clone")
    shutil.copytree(SEEDS, home / "seeds")
    (home / "scripts").symlink_to(ROOT / "scripts")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("WORKBENCH_", "HF_"))}
    env.update(
        WORKBENCH_MODEL=str(tiny_model_dir),
        WORKBENCH_MODELS_DIR=str(home / "models"),
        WORKBENCH_REVIEWER="ana",
        HF_ENDPOINT="http://127.0.0.1:9",
        HF_HUB_ETAG_TIMEOUT="2",
        HF_HUB_DOWNLOAD_TIMEOUT="2",
        COLUMNS="100",
    )
    return home, env


@pytest.fixture(scope="module")
def tiny_model_dir() -> Path:
    from tests import tiny_models

    return tiny_models.de_en()


def _run(argv: tuple[str, ...], home: Path, env: dict) -> subprocess.CompletedProcess:
    program = [str(WORKBENCH)] if argv[0] == "workbench" else [sys.executable]
    return subprocess.run(
        [*program, *argv[1:]], capture_output=True, text=True, cwd=home, env=env, timeout=600
    )


def _pattern(line: str, home: Path) -> re.Pattern:
    """A documented output line as a pattern: the clone's path and timings may differ."""
    timing = re.compile(r"in [\d.]+ s, \d+ tok/s")
    parts = [re.escape(part) for part in timing.split(line.replace(README_CLONE, str(home)))]
    return re.compile(r"in [\d.]+ s, \d+ tok/s".join(parts) + "$")


def _assert_output(command: readme.Command, out: str, home: Path) -> None:
    """Each documented line appears in the real output, in order; `...` skips any lines."""
    actual = out.splitlines()
    position = 0
    skipping = False
    for expected in command.output:
        if expected.strip() == "...":
            skipping = True
            continue
        pattern = _pattern(expected, home)
        while position < len(actual) and not pattern.match(actual[position]):
            assert skipping, (
                f"README.md:{command.line} `{' '.join(command.argv)}`: expected line "
                f"{expected!r}, got {actual[position]!r}"
            )
            position += 1
        assert position < len(actual), f"README.md:{command.line}: {expected!r} not in the output:\n{out}"
        position += 1
        skipping = False


def _needs_network(argv: tuple[str, ...], env: dict) -> bool:
    """`models pull` of a hub model; the default (the configured model) and its pair, de-en, are
    the local tiny model here, which a pull leaves as it is."""
    if argv[1:3] != ("models", "pull"):
        return False
    names = argv[3:] or (env["WORKBENCH_MODEL"],)
    return any(not Path(name).is_dir() and name != "de-en" for name in names)


def test_every_readme_command_line_works_as_written(clone) -> None:
    home, env = clone
    commands = readme.commands()
    assert len([c for c in commands if c.output]) >= 10, "the example session went missing"
    ran = 0
    for command in commands:
        argv = command.argv
        where = f"README.md:{command.line} `{' '.join(argv)}`"
        if _key(argv, NOT_RUN) or _key(argv, RUN_ELSEWHERE) or _is_template(argv):
            continue
        if argv[0] == "python":
            assert argv[1] == "scripts/batch_translate.py", f"{where}: unknown script line"
        else:
            assert argv[0] == "workbench", f"{where}: not a command this test knows"
            args = cli.build_parser().parse_args(argv[1:])  # exits 2 on a usage error
            if (args.command or "tui") == "tui":
                continue  # the TUI needs a terminal: tests/integration/test_tui.py drives it
        result = _run(argv, home, env)
        ran += 1
        if argv[0] == "workbench" and _needs_network(argv, env):
            errors = result.stderr.strip().splitlines()
            assert result.returncode == 1 and len(errors) == 1, f"{where}: {result.stderr}"
            assert errors[0].startswith("workbench: error: ") and "Traceback" not in result.stderr
            continue
        assert result.returncode == 0, f"{where} exited {result.returncode}: {result.stderr}"
        _assert_output(command, result.stdout, home)
    assert ran >= 15
