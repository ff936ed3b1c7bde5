"""Crash safety, two processes on one workspace, broken models, unreadable files.

Everything here runs real subprocesses against a real SQLite file: a SIGKILL is a SIGKILL.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import TextArea

from tests import tiny_models
from tests.paths import ROOT
from workbench.engines.model_files import ModelError
from workbench.engines.translator import load_translator
from workbench.records import Status
from workbench.service import Workbench
from workbench.settings import load_workspace

SEEDS = ROOT / "seeds"
WORKBENCH = Path(sys.executable).parent / "workbench"
_EDITOR = """
import sys
from workbench.service import Workbench
from workbench.settings import load_workspace

workspace = load_workspace(sys.argv[1], {"model": sys.argv[2], "reviewer": "ana"}, env={})
with Workbench(workspace) as bench:
    ids = [s.id for a in bench.articles() for s in bench.segments(a.id) if s.kind.value == "body"]
    n = 0
    while True:
        for segment_id in ids:
            n += 1
            bench.edit_segment(segment_id, f"Edit number {n}.")
            print(f"ack {segment_id} {n}", flush=True)  # what the UI would confirm
"""


def _imported(workspace: Path, tiny_model: Path) -> Workbench:
    bench = Workbench(load_workspace(str(workspace), {"model": str(tiny_model)}, env={}))
    bench.import_paths([SEEDS])
    return bench


def test_sigkill_while_editing_loses_no_acknowledged_edit(tmp_path, tiny_model) -> None:
    workspace = tmp_path / "W"
    _imported(workspace, tiny_model).close()
    editor = subprocess.Popen(
        [sys.executable, "-c", _EDITOR, str(workspace), str(tiny_model)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    acknowledged: dict[int, int] = {}
    for line in editor.stdout:
        _, segment_id, number = line.split()
        acknowledged[int(segment_id)] = int(number)
        if len(acknowledged) >= 40 and int(number) >= 150:
            break
    os.kill(editor.pid, signal.SIGKILL)
    editor.wait()
    assert editor.returncode == -signal.SIGKILL

    db = sqlite3.connect(workspace / "workbench.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Workbench(load_workspace(str(workspace), {"model": str(tiny_model)}, env={})) as bench:
        for segment_id, number in acknowledged.items():
            segment = bench.store.segment(segment_id)
            assert segment.status is Status.EDITED
            saved = int(segment.target.split()[-1].rstrip("."))
            assert saved >= number  # the acknowledged edit, or one made after it
            assert f"Edit number {number}." in {e.new_target for e in bench.history(segment_id)}


async def test_tui_edits_while_a_batch_translates_the_same_workspace(tmp_path, tiny_model) -> None:
    """No "database is locked" reaches either side, no edit is lost, the batch finishes."""
    from workbench.tui.app import WorkbenchApp

    workspace = tmp_path / "W"
    flags = {"model": str(tiny_model), "models_dir": str(tmp_path / "models"), "reviewer": "ana"}
    bench = Workbench(load_workspace(str(workspace), flags, env={}), translator_factory=load_translator)
    bench.import_paths([SEEDS])
    batch = subprocess.Popen(
        [str(WORKBENCH), "-w", str(workspace), "translate", "--model", str(tiny_model), "--quiet",
         "--models-dir", str(tmp_path / "models"), "--batch-tokens", "48", "--backend", "transformers"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    _wait_for_translations(workspace / "workbench.db")
    app = WorkbenchApp(bench)
    edits: dict[int, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        assert batch.poll() is None, "the batch should still be writing while the reviewer edits"
        await pilot.pause()
        await pilot.press("enter")  # the first article; its own translation worker starts too
        await pilot.pause()
        screen = app.screen
        for number in range(12):
            await pilot.press("down", "e")
            text = f"Reviewer text {number}."
            app.screen.query_one(TextArea).text = text
            await pilot.press("ctrl+s")
            await pilot.pause()
            if screen.current.segment.kind.value == "body":
                edits[screen.current.segment.id] = text
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.status.errors == 0, app.status.last_error
    _, stderr = batch.communicate(timeout=300)
    bench.close()
    assert batch.returncode == 0, stderr
    assert "locked" not in stderr.lower()
    assert edits
    with Workbench(load_workspace(str(workspace), flags, env={})) as after:
        for segment_id, text in edits.items():
            segment = after.store.segment(segment_id)
            assert (segment.status, segment.target) == (Status.EDITED, text)
        untranslated = [
            s for a in after.articles() for s in after.segments(a.id)
            if s.kind.value == "body" and s.status is Status.UNTRANSLATED and s.language == "de"
        ]  # fmt: skip
        assert not untranslated
        assert after.store.integrity_ok()


def _wait_for_translations(database: Path, timeout: float = 120) -> None:
    """Until the batch has committed its first translations."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            if sqlite3.connect(database).execute("SELECT COUNT(*) FROM translations").fetchone()[0]:
                return
        except sqlite3.OperationalError:
            continue
    raise AssertionError("the batch never committed a translation")


def _truncated(tiny_model: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "truncated"
    shutil.copytree(tiny_model, copy)
    weights = copy / "model.safetensors"
    with weights.open("r+b") as handle:
        handle.truncate(weights.stat().st_size // 2)
    return copy


def _pickle_only(tiny_model: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "pickled"
    shutil.copytree(tiny_model, copy)
    (copy / "model.safetensors").rename(copy / "pytorch_model.bin")
    return copy


def _no_tokenizer(tiny_model: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "no-tokenizer"
    shutil.copytree(tiny_model, copy)
    for name in ("source.spm", "target.spm"):
        (copy / name).unlink()
    return copy


BROKEN = {
    "missing directory": (lambda model, tmp: tmp / "nowhere", "does not exist"),
    "truncated safetensors": (_truncated, "incomplete metadata"),
    "another model type": (lambda model, tmp: tiny_models.bart(), "a 'bart' model, not a translation model"),
    "pickle only": (_pickle_only, "only pickle weights, which are refused"),
    # transformers names the model, the torch-free CTranslate2 path the missing file
    "no tokenizer": (_no_tokenizer, r"cannot load a (Marian tokenizer|SentencePiece model)"),
}


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_models_give_one_line_errors(case, backend, tiny_model, tmp_path) -> None:
    from workbench.engines.model_files import resolve_model

    make, message = BROKEN[case]
    path = make(tiny_model, tmp_path)
    with pytest.raises(ModelError, match=message) as raised:
        load_translator(
            resolve_model(str(path), tmp_path / "models"), backend, converted_dir=tmp_path / "ct2"
        )
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "ct2").exists()  # no half-converted model left behind


def test_offline_with_nothing_cached_names_the_pull_command(tmp_path) -> None:
    result = subprocess.run(
        [str(WORKBENCH), "-w", str(tmp_path / "W"), "--offline", "--models-dir", str(tmp_path / "m"),
         "translate", str(SEEDS / "002_e2235c48d83a146a.txt")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert any("workbench models pull Helsinki-NLP/opus-mt-de-en" in line for line in errors)
    assert "Traceback" not in result.stderr


async def test_the_tui_stays_up_with_a_truncated_model(tiny_model, tmp_path) -> None:
    from workbench.tui.app import WorkbenchApp

    flags = {"model": str(_truncated(tiny_model, tmp_path)), "models_dir": str(tmp_path / "models")}
    bench = Workbench(load_workspace(str(tmp_path / "W"), flags, env={}))
    app = WorkbenchApp(bench, [SEEDS / "002_e2235c48d83a146a.txt"])
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            await pilot.pause()
            await app.workers.wait_for_complete()
            if bench.articles():
                break
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause()
            await app.workers.wait_for_complete()
            if app.status.errors:
                break
        assert app.status.errors == 1 and "incomplete metadata" in app.status.last_error
        await pilot.press("down", "e")
        app.screen.query_one(TextArea).text = "Still editable by hand."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.current.segment.target == "Still editable by hand."
    bench.close()


def test_an_unreadable_file_is_one_line_and_the_rest_goes_on(tmp_path, tiny_model) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    unreadable = folder / "unreadable.txt"
    if os.geteuid() == 0:  # root reads any file; /proc/self/mem cannot be read from offset 0
        unreadable.symlink_to("/proc/self/mem")
        reason = "Input/output error"
    else:
        unreadable.write_text("Titel\nText.\n")
        unreadable.chmod(0)
        reason = "Permission denied"
    with Workbench(load_workspace(str(tmp_path / "W"), {"model": str(tiny_model)}, env={})) as bench:
        results = {Path(r.path).name: r for r in bench.import_paths([folder])}
        assert results["unreadable.txt"].error == reason
        assert sum(r.error is None for r in results.values()) == 5
        assert bench.store.integrity_ok()


def test_exports_never_leave_the_output_directory(tmp_path, tiny_model) -> None:
    article = tmp_path / "in" / "evil.txt"
    article.parent.mkdir()
    article.write_text("../../etc/passwd\n\nDer Kreml schweigt.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [str(WORKBENCH), "-w", str(tmp_path / "W"), "translate", str(article), "--model", str(tiny_model),
         "--out", str(out), "--format", "md,txt", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = [
        p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".md", ".txt") and "in" not in p.parts
    ]
    assert written and all(out in p.parents for p in written)
