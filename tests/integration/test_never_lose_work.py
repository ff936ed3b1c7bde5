"""No import, export or output path loses a reviewer's work (issue 16): real files, real SQLite,
the real CLI (in this process where a fault must be injected, as a subprocess otherwise)."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SEEDS
from workbench import cli
from workbench.export import files
from workbench.export.files import output_stem

WORKBENCH = Path(sys.executable).parent / "workbench"
FIRST_SEED = SEEDS / "000_bb1e4186efedc55e.txt"


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(WORKBENCH), *args], capture_output=True, text=True, timeout=timeout)


def _one_error_line(result: subprocess.CompletedProcess, *parts: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(part in lines[0] for part in parts), lines[0]


# --- 1. write targets --------------------------------------------------------------------------


def test_export_tmx_never_replaces_the_workspace_database(tmp_path) -> None:
    workspace = tmp_path / "W"
    assert run("-w", str(workspace), "import", str(FIRST_SEED)).returncode == 0
    database = workspace / "workbench.db"
    for target in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        result = run("-w", str(workspace), "export-tmx", str(target))
        assert result.returncode == 1
        _one_error_line(result, str(target), "workspace's own")
    result = run("-w", str(workspace), "export-tmx", str(tmp_path))
    assert result.returncode == 1
    _one_error_line(result, str(tmp_path), "is a directory")
    db = sqlite3.connect(database)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_colliding_names_and_combined_keep_every_articles_outputs(tmp_path, tiny_model) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = FIRST_SEED.read_text()
    names = ["a:b.txt", "a_b-6.txt", "a_b.txt", "combined.txt"]
    for name in names:
        (folder / name).write_text(text)
    out = tmp_path / "out"
    result = run(
        "-w", str(tmp_path / "W"), "translate", str(folder), "--model", str(tiny_model),
        "--backend", "transformers", "--out", str(out), "--format", "jsonl", "--combined", "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = {f"{output_stem(str(folder / name), '')}.jsonl" for name in names}
    assert {p.name for p in out.iterdir()} == expected | {"combined.jsonl"}
    for name in names:
        rows = (out / f"{output_stem(str(folder / name), '')}.jsonl").read_text().splitlines()
        assert {json.loads(row)["source_path"] for row in rows} == {str(folder / name)}
    combined = [json.loads(row) for row in (out / "combined.jsonl").read_text().splitlines()]
    assert {row["source_path"] for row in combined} == {str(folder / name) for name in names}

    # A second workspace with a same-named file, into the same directory: nothing replaced.
    other = tmp_path / "elsewhere" / "a_b.txt"
    other.parent.mkdir()
    other.write_text(text)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "combined.jsonl"}
    result = run(
        "-w", str(tmp_path / "W2"), "translate", str(other), "--model", str(tiny_model),
        "--backend", "transformers", "--out", str(out), "--format", "jsonl", "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before
    assert (out / f"{output_stem(str(other), '')}.jsonl").exists()


def test_an_existing_file_as_out_is_one_line_before_any_work(tmp_path, tiny_model) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("mine")
    result = run(
        "-w", str(tmp_path / "W"), "translate", str(FIRST_SEED), "--model", str(tiny_model),
        "--out", str(blocker), "--quiet",
    )  # fmt: skip
    assert result.returncode == 1
    _one_error_line(result, f"--out {blocker}", "not a directory")
    assert blocker.read_text() == "mine"


def test_a_full_disk_stops_the_batch_in_one_line_and_a_rerun_resumes(
    tmp_path, tiny_model, monkeypatch, capsys
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, folder)
    out = tmp_path / "out"
    args = ["-w", str(tmp_path / "W"), "translate", str(folder), "--model", str(tiny_model),
            "--backend", "transformers", "--models-dir", str(tmp_path / "models"),
            "--out", str(out), "--format", "jsonl", "--quiet"]  # fmt: skip
    real_fsync = files.os.fsync
    writes = []

    def fsync_until_full(fd: int) -> None:
        writes.append(fd)
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync_until_full)
    assert cli.main(args) == 1
    error_lines = capsys.readouterr().err.strip().splitlines()
    assert len(error_lines) == 1 and "No space left on device" in error_lines[0], error_lines
    assert str(out) in error_lines[0]
    assert len(writes) == 2  # the batch stopped at the first failed write
    assert len(list(out.iterdir())) == 1  # the one output written whole, no temp file
    db = sqlite3.connect(tmp_path / "W" / "workbench.db")
    committed = db.execute("SELECT COUNT(*) FROM segments WHERE status = 'mt'").fetchone()[0]

    monkeypatch.setattr(files.os, "fsync", real_fsync)
    assert cli.main(args) == 0
    closing = capsys.readouterr().out.strip().splitlines()[-1]
    total, cached = map(int, re.match(r"translated (\d+) segments \((\d+) from cache\)", closing).groups())
    assert 0 < cached == committed < total  # resumed: nothing translated twice, the rest translated
    assert len(list(out.glob("*.jsonl"))) == 3


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_outputs_follow_the_umask(tmp_path, tiny_model, umask) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        ["sh", "-c", f'umask {umask:03o} && exec "$0" "$@"', str(WORKBENCH), "-w", str(tmp_path / "W"),
         "translate", str(FIRST_SEED), "--model", str(tiny_model), "--backend", "transformers",
         "--out", str(out), "--format", "txt"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (written,) = out.iterdir()
    assert written.stat().st_mode & 0o777 == 0o666 & ~umask


# --- 3. one overlong token ------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_a_sentence_with_a_1500_character_url_translates(backend, tiny_model, pairs, tmp_path) -> None:
    from workbench.engines.translator import load_translator

    translator = load_translator(tiny_model, backend=backend, converted_dir=tmp_path / "ct2")
    url = "https://example.com/" + "".join(f"x{n}y" for n in range(400))[:1480]
    sentence = f"Mehr dazu unter {url} im Netz."
    assert len(url) == 1500
    assert translator.count_tokens(url) > translator.max_source_tokens
    fixture_source, fixture_target = pairs[0]
    long_one, fixture = translator.translate([sentence, fixture_source])
    assert fixture.text == fixture_target  # the batch around it is untouched
    assert long_one.cut_words >= 1 and long_one.pieces > long_one.cut_words
    assert long_one.text
    assert all(s < len(sentence.split()) for s, _ in long_one.alignment)


# --- 4. the workspace guards its database ---------------------------------------------------

_KILLED_EDITOR = """
import os, signal, sys
from workbench.records import Status
from workbench.service import Workbench
from workbench.settings import load_workspace

with Workbench(load_workspace(sys.argv[1], {}, env={})) as bench:
    for segment in bench.segments(1)[:6]:
        bench.store.change_segment(segment.id, "edit " + segment.source, Status.EDITED, sys.argv[2])
    os.kill(os.getpid(), signal.SIGKILL)  # no clean close: the WAL stays
"""


def _killed_session(workspace: Path, reviewer: str) -> None:
    result = subprocess.run([sys.executable, "-c", _KILLED_EDITOR, str(workspace), reviewer], timeout=120)
    assert result.returncode == -9
    assert Path(f"{workspace}/workbench.db-wal").stat().st_size > 0


def test_a_wal_from_another_workspace_is_refused_untouched(tmp_path) -> None:
    ours, theirs = tmp_path / "A", tmp_path / "B"
    seeds = sorted(SEEDS.glob("*.txt"))
    assert run("-w", str(ours), "import", *map(str, seeds[:3])).returncode == 0
    assert run("-w", str(theirs), "import", str(seeds[3])).returncode == 0
    _killed_session(theirs, "bo")
    shutil.copy(theirs / "workbench.db-wal", ours / "workbench.db-wal")
    before = {p.name: p.read_bytes() for p in ours.iterdir() if p.name != "workbench.db-lock"}

    result = run("-w", str(ours), "articles")  # even a read-only command would replay it
    assert result.returncode == 1
    _one_error_line(result, f"{ours / 'workbench.db-wal'}", "does not belong to", str(ours / "workbench.db"))
    assert {p.name: p.read_bytes() for p in ours.iterdir() if p.name in before} == before

    (ours / "workbench.db-wal").unlink()  # the way out the message names
    (ours / "workbench.db-shm").unlink(missing_ok=True)
    result = run("-w", str(ours), "articles")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4
    db = sqlite3.connect(ours / "workbench.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_our_own_wal_after_a_kill_is_replayed_and_checked(tmp_path) -> None:
    workspace = tmp_path / "A"
    assert run("-w", str(workspace), "import", str(FIRST_SEED)).returncode == 0
    _killed_session(workspace, "ana")
    result = run("-w", str(workspace), "show", "1", "--format", "json")
    assert result.returncode == 0, result.stderr
    states = [s["state"] for b in json.loads(result.stdout)["blocks"] for s in b["segments"]]
    assert states[:6] == ["edited"] * 6
    result = run("-w", str(workspace), "check")
    assert (result.returncode, result.stdout.strip()) == (0, f"{workspace / 'workbench.db'}: ok"), (
        result.stderr
    )


def test_backup_is_a_consistent_copy_and_check_finds_damage(tmp_path) -> None:
    workspace = tmp_path / "A"
    assert run("-w", str(workspace), "import", str(FIRST_SEED)).returncode == 0
    _killed_session(workspace, "ana")  # edits still in the WAL: the backup must have them
    copy = tmp_path / "copy.db"
    result = run("-w", str(workspace), "backup", str(copy))
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(copy)
    assert db.execute("SELECT COUNT(*) FROM segments WHERE status = 'edited'").fetchone()[0] == 6
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [
        sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'workspace_id'").fetchone()[0]
        for path in (copy, workspace / "workbench.db")
    ]
    assert ids[0] != ids[1]  # a WAL of the workspace is never replayed into a restored copy
    db.close()
    result = run("-w", str(workspace), "backup", str(workspace / "workbench.db"))
    assert result.returncode == 1
    _one_error_line(result, "workspace's own workbench.db")

    damaged = tmp_path / "D"
    damaged.mkdir()
    data = bytearray(copy.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = bytes(4096)  # a page of zeros mid-file
    (damaged / "workbench.db").write_bytes(bytes(data))
    result = run("-w", str(damaged), "check")
    assert result.returncode == 1
    assert (
        result.stdout.strip().startswith(f"{damaged / 'workbench.db'}:") and "ok" not in result.stdout.split()
    )


# --- 5. faults are one line -----------------------------------------------------------------


def test_broken_workspaces_are_one_line_errors(tmp_path) -> None:
    seed = str(FIRST_SEED)
    not_a_dir = tmp_path / "file-workspace"
    not_a_dir.write_text("x")
    result = run("-w", str(not_a_dir), "import", seed)
    assert result.returncode == 1
    _one_error_line(result, str(not_a_dir), "is a file, not a workspace directory")

    garbage = tmp_path / "G"
    garbage.mkdir()
    (garbage / "workbench.db").write_bytes(b"this is not a database at all\n" * 200)
    result = run("-w", str(garbage), "articles")
    assert result.returncode == 1
    _one_error_line(result, str(garbage / "workbench.db"), "file is not a database")

    good = tmp_path / "A"
    assert run("-w", str(good), "import", seed).returncode == 0
    truncated = tmp_path / "T"
    truncated.mkdir()
    data = (good / "workbench.db").read_bytes()
    (truncated / "workbench.db").write_bytes(data[: len(data) // 3])
    result = run("-w", str(truncated), "articles")
    assert result.returncode == 1
    _one_error_line(result, str(truncated / "workbench.db"), "truncated", f"of {len(data):,} bytes")


def _mount(*args: str) -> bool:
    return os.geteuid() == 0 and subprocess.run(["mount", *args], capture_output=True).returncode == 0


def test_a_read_only_workspace_is_one_line(tmp_path) -> None:
    workspace = tmp_path / "A"
    assert run("-w", str(workspace), "import", str(FIRST_SEED)).returncode == 0
    if os.geteuid() != 0:
        workspace.chmod(0o555)
        (workspace / "workbench.db").chmod(0o444)
    elif not (
        _mount("--bind", str(workspace), str(workspace)) and _mount("-o", "remount,ro,bind", str(workspace))
    ):
        pytest.skip("root without mount: a read-only workspace cannot be made here")
    try:
        result = run("-w", str(workspace), "import", str(sorted(SEEDS.glob("*.txt"))[1]))
        assert result.returncode == 1
        _one_error_line(result, str(workspace / "workbench.db"), "cannot open for writing")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(workspace)], check=True)
        else:
            workspace.chmod(0o755)


# --- 6. inputs are bounded ------------------------------------------------------------------


def test_fifos_devices_and_undecodable_names_do_not_stop_an_import(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIRST_SEED, folder / "good.txt")
    odd = os.fsencode(folder) + b"/bad\xffname.txt"
    with open(odd, "wb") as handle:
        handle.write(FIRST_SEED.read_bytes().replace(b"Russland", b"Moskau"))
    os.mkfifo(folder / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "memory.tmx")
    workspace = str(tmp_path / "W")

    result = run(
        "-w",
        workspace,
        "import",
        str(folder),
        str(folder / "pipe.txt"),
        str(tmp_path / "zero.txt"),
        timeout=120,
    )
    assert result.returncode == 1
    assert f"error: {folder / 'pipe.txt'}: a FIFO, not a regular file" in result.stderr
    assert f"error: {tmp_path / 'zero.txt'}: a device, not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    assert f"new       #1  {folder}/bad\\xffname.txt" in result.stdout
    assert f"{folder / 'good.txt'}" in result.stdout
    result = subprocess.run(
        [str(WORKBENCH), "-w", workspace, "show", os.fsdecode(odd)], capture_output=True, timeout=120
    )
    assert result.returncode == 0 and b"Moskau lehnt" in result.stdout

    result = run("-w", workspace, "import-tmx", str(tmp_path / "memory.tmx"), timeout=60)
    assert result.returncode == 1
    _one_error_line(result, str(tmp_path / "memory.tmx"), "a FIFO, not a regular file")
