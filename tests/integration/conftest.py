"""Fixtures the TUI tests share: a workspace app factory and a small article the tiny model knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.engines.translator import load_translator
from workbench.service import Workbench
from workbench.settings import load_workspace
from workbench.tui.app import WorkbenchApp

# Sentences from the fixture, which the tiny model reproduces, so screens are stable.
ARTICLE = "\n".join(
    [
        "Russland bestätigt Beteiligung nordkoreanischer Soldaten",
        "Keystone-SDA",
        "Russland hat erstmals den Einsatz von nordkoreanischen Soldaten im Kampf um Kursk bestätigt. "
        "Selenskyj warf das Russland bereits seit einiger Zeit vor.",
        "Der Kremlchef gratulierte den Soldaten zum «Sieg». "
        "Das Abenteuer Kiews sei gescheitert, sagte Putin.",
        "Putin gratuliert zum «Sieg»",
        "Nun verkündigte Russland, dass die Region komplett zurückerobert sei. "
        "Eine Bestätigung aus Kiew gab es zunächst nicht.",
        "Kommentare",
        "User #1698 (nicht angemeldet)",
        "Der Kursk Move war närrisch",
        "",
    ]
)


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "keystone.txt"
    path.parent.mkdir()
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def open_app(workspace_dir, tiny_model, tmp_path):
    """Build apps on one workspace; each gets its own service, closed after the test."""
    benches: list[Workbench] = []

    def make(paths: list[Path] | None = None, factory=load_translator, **flags) -> WorkbenchApp:
        flags.setdefault("model", str(tiny_model))
        flags.setdefault("models_dir", str(tmp_path / "models"))
        flags.setdefault("reviewer", "ana")
        bench = Workbench(load_workspace(str(workspace_dir), flags, env={}), translator_factory=factory)
        benches.append(bench)
        return WorkbenchApp(bench, paths)

    yield make
    for bench in benches:
        bench.close()
