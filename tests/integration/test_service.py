"""The application object over a real workspace with the tiny model."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.paths import SEEDS
from workbench.engines.translator import load_translator
from workbench.records import BlockKind, Status
from workbench.service import Workbench
from workbench.settings import load_workspace
from workbench.store.database import ImportOutcome


class CountingFactory:
    """A translator factory that records every batch of texts sent to the real engine."""

    def __init__(self) -> None:
        self.loads = 0
        self.texts: list[str] = []

    def __call__(self, *args, **kwargs):
        self.loads += 1
        translator = load_translator(*args, **kwargs)
        real = translator.translate_batches

        def counted(texts, first=0):
            self.texts.extend(texts)
            return real(texts, first)

        translator.translate_batches = counted
        return translator


@pytest.fixture
def counting_bench(workspace_dir, tiny_model, tmp_path):
    def make(factory: CountingFactory) -> Workbench:
        workspace = load_workspace(
            str(workspace_dir), {"model": str(tiny_model), "models_dir": str(tmp_path / "m")}, env={}
        )
        return Workbench(workspace, translator_factory=factory)

    return make


def test_import_seeds_then_reimport_is_a_no_op(make_bench) -> None:
    bench = make_bench()
    first = bench.import_paths([SEEDS])
    assert [r.outcome for r in first] == [ImportOutcome.NEW] * 5
    assert [r.outcome for r in bench.import_paths([SEEDS])] == [ImportOutcome.UNCHANGED] * 5
    assert len(bench.articles()) == 5


def test_translate_fills_body_and_skips_boilerplate_and_english(make_bench, pairs) -> None:
    bench = make_bench()
    bench.import_paths([SEEDS])
    report = bench.translate_articles([a.id for a in bench.articles()])
    assert report.segments == report.translated > 0
    assert report.from_cache == 0
    for article in bench.articles():
        for segment in bench.segments(article.id):
            if segment.kind is BlockKind.BODY:
                assert segment.status is Status.MT and segment.target
            else:
                assert segment.status is Status.UNTRANSLATED
    # A fixture sentence that also stands in a seed comes out as the fixture's English.
    known = dict(pairs)
    first = bench.segments(bench.articles()[0].id)
    title = next(s for s in first if s.is_title)
    assert title.target == known[title.source]


def test_second_run_is_all_cache_and_never_loads_the_model(counting_bench) -> None:
    factory = CountingFactory()
    with counting_bench(factory) as bench:
        bench.import_paths([SEEDS])
        ids = [a.id for a in bench.articles()]
        first = bench.translate_articles(ids)
    assert factory.loads == 1
    assert len(factory.texts) == first.segments

    again_factory = CountingFactory()
    with counting_bench(again_factory) as bench:
        second = bench.translate_articles(ids)
    assert (second.segments, second.from_cache) == (first.segments, first.segments)
    assert again_factory.loads == 0 and again_factory.texts == []
    assert second.line().startswith(f"translated {first.segments} segments ({first.segments} from cache)")


def test_identical_sentences_are_translated_once(counting_bench, tmp_path) -> None:
    article = tmp_path / "repeat.txt"
    article.write_text("Die Lage im Osten\nDer Kreml schweigt. Die Lage ist ernst. Der Kreml schweigt.\n")
    factory = CountingFactory()
    with counting_bench(factory) as bench:
        bench.import_paths([article])
        report = bench.translate_articles([1])
        targets = [s.target for s in bench.segments(1) if s.source == "Der Kreml schweigt."]
    assert report.translated == 4
    assert sorted(factory.texts) == sorted(set(factory.texts)) and len(factory.texts) == 3
    assert len(targets) == 2 and targets[0] == targets[1] and targets[0].startswith("The Kremlin")


def test_a_changed_model_does_not_serve_stale_cache(make_bench, tiny_model, tmp_path) -> None:
    bench = make_bench()
    bench.import_paths([SEEDS / "000_bb1e4186efedc55e.txt"])
    bench.translate_articles([1])
    changed = tmp_path / "changed-model"
    shutil.copytree(tiny_model, changed)
    (changed / "generation_config.json").write_text(
        (changed / "generation_config.json").read_text().replace('"num_beams": 4', '"num_beams": 2')
    )
    other = make_bench(model=str(changed))
    assert other.model().key != bench.model().key
    report = other.translate_articles([1])
    assert report.from_cache == 0 and report.translated == report.segments


def test_edits_survive_retranslation(make_bench) -> None:
    bench = make_bench()
    bench.import_paths([SEEDS / "000_bb1e4186efedc55e.txt"])
    bench.translate_articles([1])
    segment = next(s for s in bench.segments(1) if s.kind is BlockKind.BODY and not s.is_title)
    bench.edit_segment(segment.id, "A reviewer's translation.")
    report = bench.translate_articles([1])
    assert report.skipped_human == 1
    assert bench.store.segment(segment.id).target == "A reviewer's translation."
    approved = bench.approve_segment(segment.id)
    assert approved.status is Status.APPROVED and approved.target == "A reviewer's translation."
    reverted = bench.revert_segment(segment.id)
    assert reverted.status is Status.MT and reverted.target != "A reviewer's translation."
    assert [h.new_status for h in bench.history(segment.id)] == [Status.EDITED, Status.APPROVED, Status.MT]


def test_flipping_boilerplate_makes_it_translatable(make_bench) -> None:
    bench = make_bench()
    bench.import_paths([SEEDS / "004_83012bf74d01115b.txt"])
    caption = next(s for s in bench.segments(1) if s.reason == "repeats an earlier block")
    before = bench.translate_articles([1]).segments
    bench.set_boilerplate(1, caption.block_position, boilerplate=False)
    assert bench.translate_articles([1]).segments == before + 2  # its two sentences


def test_faces_do_not_import_torch() -> None:
    """Nor trafilatura (issue 18): the TUI's start-up path stays free of both."""
    code = (
        "import sys, workbench.cli, workbench.commands, workbench.service, workbench.tui.app; "
        "print([m for m in ('torch', 'trafilatura') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
