"""Batch translation on Ray (local, loopback only): the same results as one machine, nothing sent twice."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="the cluster extra is not installed: pip install -e '.[cluster]'")
from tests import tiny_models
from tests.paths import ROOT
from workbench.records import Status
from workbench.service import Workbench
from workbench.service.cluster import ClusterOptions, RayExecutor
from workbench.settings import load_workspace

SEEDS = ROOT / "seeds"
WORKBENCH = Path(sys.executable).parent / "workbench"


@pytest.fixture(scope="module")
def executor(tmp_path_factory):
    """One local Ray with two actors for the module's tests."""
    flags = {"model": str(tiny_models.de_en())}
    settings = load_workspace(str(tmp_path_factory.mktemp("settings")), flags, env={}).settings
    started = RayExecutor(settings, ClusterOptions(workers=2))
    yield started
    started.shutdown()


def _bench(path: Path, tiny_model: Path) -> Workbench:
    return Workbench(load_workspace(str(path), {"model": str(tiny_model)}, env={}))


def test_ray_gives_the_single_machine_outputs(tmp_path, tiny_model) -> None:
    """Both through the CLI; OMP threads as Ray's one-CPU actors have them."""
    outputs = {}
    for name, extra in (("local", []), ("ray", ["--ray", "--ray-workers", "2"])):
        out = tmp_path / f"out-{name}"
        result = subprocess.run(
            [str(WORKBENCH), "-w", str(tmp_path / name), "translate", str(SEEDS), "--model", str(tiny_model),
             "--out", str(out), "--format", "jsonl,md,xliff,txt", "--quiet", *extra],
            capture_output=True, text=True, timeout=600, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs[name] = (result.stdout.splitlines()[-1], {p.name: p.read_text() for p in out.iterdir()})
    (local_line, local_files), (ray_line, ray_files) = outputs["local"], outputs["ray"]
    counts = re.compile(r"translated (\d+) segments \((\d+) from cache\)")
    assert counts.match(local_line).groups() == counts.match(ray_line).groups() == ("97", "0")
    assert local_files.keys() == ray_files.keys() and len(local_files) == 20
    for name in local_files:
        assert ray_files[name].replace("/ray/", "/local/") == local_files[name], name


def _session(path: Path, tiny_model: Path, executor: RayExecutor | None):
    """One article translated here first, an edit, then the rest (through Ray when given)."""
    with _bench(path, tiny_model) as bench:
        ids = [r.article_id for r in bench.import_paths([SEEDS])]
        bench.translate_article(ids[0])
        first = next(s for s in bench.segments(ids[1]) if s.kind.value == "body")
        bench.edit_segment(first.id, "A reviewer's sentence.")
        sent = bench.prefetch(ids, executor) if executor else 0
        report = bench.translate_articles(ids)
        again = bench.prefetch(ids, executor) if executor else 0
        edited = bench.store.segment(first.id)
        texts = [(s.status, s.target) for i in ids for s in bench.segments(i)]
    return report, sent, again, (edited.status, edited.target), texts


def test_cached_texts_and_edits_are_never_sent(executor, tmp_path, tiny_model) -> None:
    local, _, _, _, local_texts = _session(tmp_path / "local", tiny_model, None)
    before = executor.sent
    remote, sent, again, edited, remote_texts = _session(tmp_path / "ray", tiny_model, executor)
    assert 0 < sent == executor.sent - before < 97  # the first article's texts were cached already
    assert again == 0 and executor.sent - before == sent  # a second run sends nothing
    assert edited == (Status.EDITED, "A reviewer's sentence.")
    assert (remote.segments, remote.from_cache, remote.translated, remote.tokens, remote.skipped_human) == (
        local.segments,
        local.from_cache,
        local.translated,
        local.tokens,
        local.skipped_human,
    )
    assert remote_texts == local_texts
