"""The application object over a real workspace with the tiny model."""

from __future__ import annotations

import pytest

from tests.paths import SEEDS
from workbench.engines.model_files import ModelError
from workbench.service import Workbench
from workbench.settings import load_workspace


def test_missing_model_names_the_pull_command(workspace_dir, tmp_path) -> None:
    workspace = load_workspace(
        str(workspace_dir), {"models_dir": str(tmp_path / "m"), "offline": True}, env={}
    )
    with Workbench(workspace) as bench:
        bench.import_paths([SEEDS / "000_bb1e4186efedc55e.txt"])
        with pytest.raises(ModelError, match="workbench models pull Helsinki-NLP/opus-mt-de-en"):
            bench.translate_articles([1])
