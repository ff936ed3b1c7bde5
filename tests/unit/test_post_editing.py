"""Post-editing groundwork on a real SQLite file: drafts, undo/redo that walks, navigation, progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cache_key import CacheKey
from workbench.errors import WorkbenchError
from workbench.ingest.article import parse_article
from workbench.records import Flag, Status, Translation
from workbench.review.navigation import WANTED, find, needs_work, progress
from workbench.service import Workbench
from workbench.settings import load_workspace

TEXT = "Die Lage im Osten\n\nDer Kreml schweigt. Die Lage ist ernst.\n\nDie Soldaten kämpfen in Kursk.\n"


@pytest.fixture
def bench(tmp_path: Path):
    opened = Workbench(load_workspace(str(tmp_path / "W"), {"reviewer": "ana"}, env={}))
    yield opened
    opened.close()


@pytest.fixture
def article(bench: Workbench) -> int:
    """An article whose body segments all have a machine translation."""
    article_id, _ = bench.store.save_article(parse_article(TEXT, "/news/a.txt", "h1"))
    segments = bench.store.segments(article_id)
    results = [(s.source, Translation(f"MT {n}.", (), -0.1, 3)) for n, s in enumerate(segments)]
    bench.store.put_translations(CacheKey(model="a-model"), results, [s.id for s in segments])
    return article_id


def _second(bench: Workbench, article_id: int):
    return bench.store.segments(article_id)[1]


def test_undo_walks_back_to_the_machine_translation_and_redo_walks_forward(bench, article) -> None:
    segment = _second(bench, article)
    machine = segment.target
    bench.edit_segment(segment.id, "First text.")
    bench.edit_segment(segment.id, "Second text.")
    bench.approve_segment(segment.id)
    seen = []
    for _ in range(3):
        now = bench.undo_segment(segment.id)
        seen.append((now.status, now.target))
    assert seen == [
        (Status.EDITED, "Second text."),
        (Status.EDITED, "First text."),
        (Status.MT, machine),
    ]
    with pytest.raises(WorkbenchError, match="nothing left to undo"):
        bench.undo_segment(segment.id)
    assert bench.redo_segment(segment.id).target == "First text."
    assert bench.redo_segment(segment.id).target == "Second text."
    # A new change after an undo clears what could be redone.
    bench.undo_segment(segment.id)
    bench.edit_segment(segment.id, "Third text.")
    with pytest.raises(WorkbenchError, match="nothing to redo"):
        bench.redo_segment(segment.id)
    assert bench.undo_segment(segment.id).target == "First text."
    history = bench.history(segment.id)
    assert len(history) == 3 + 3 + 2 + 1 + 1 + 1  # every step is a history row; none toggles


def test_undo_refuses_a_segment_changed_meanwhile(bench, article) -> None:
    from workbench.service import EditConflict

    segment = _second(bench, article)
    bench.edit_segment(segment.id, "Mine.")
    with pytest.raises(EditConflict):
        bench.undo_segment(segment.id, expected_version=segment.version)
    assert bench.store.segment(segment.id).target == "Mine."


def test_a_draft_is_kept_until_saved_or_discarded(bench, article, tmp_path) -> None:
    segment = _second(bench, article)
    bench.save_draft(segment.id, "Half a sent", segment.version)
    bench.save_draft(segment.id, "Half a sentence", segment.version)
    reopened = Workbench(load_workspace(str(tmp_path / "W"), {}, env={}))
    try:
        drafts = reopened.drafts(article)
    finally:
        reopened.close()
    assert {k: (d.text, d.base_version) for k, d in drafts.items()} == {
        segment.id: ("Half a sentence", segment.version)
    }
    assert bench.store.segment(segment.id).target == segment.target  # a draft is not a save
    bench.discard_draft(segment.id)
    assert bench.drafts(article) == {}


def test_navigation_finds_wanted_segments_around_the_article(bench, article) -> None:
    segments = bench.store.segments(article)
    body = [i for i, s in enumerate(segments) if s.kind.value == "body"]
    bench.approve_segment(segments[body[0]].id)
    segments = bench.store.segments(article)
    flags = {segments[body[-1]].id: (Flag("conflict", "kept"),)}
    assert find(segments, flags, body[0], 1, WANTED["flagged"]) == body[-1]
    assert find(segments, flags, body[-1], 1, WANTED["flagged"]) is None  # only itself
    assert find(segments, flags, body[-1], 1, needs_work) == body[1]  # wraps, skips the approved one
    assert find(segments, flags, body[1], -1, WANTED["unreviewed"]) == body[-1]  # wraps backwards
    assert find(segments, flags, body[0], 1, WANTED["untranslated"]) is None
    assert find(segments, {}, body[0], 1, needs_work, shown=lambda i: i != body[1]) == body[2]


def test_progress_counts_states_and_words(bench, article) -> None:
    segments = bench.store.segments(article)
    body = [s for s in segments if s.kind.value == "body"]
    bench.edit_segment(body[0].id, "Edited.")
    segments = bench.store.segments(article)
    counted = progress(segments, {body[1].id: (Flag("length", "odd"),)})
    assert counted.segments == len(body)
    assert counted.states == {"edited": 1, "mt": len(body) - 1}
    assert counted.flagged == 1
    assert counted.words == sum(len(s.source.split()) for s in body)
    assert counted.words_done == len(body[0].source.split())
    assert counted.line().startswith("1 edited · 3 mt · 1 flagged")


def test_replace_plan_and_search_matches(bench, article) -> None:
    from workbench.review.replace import matches, plan_replacements

    segments = bench.store.segments(article)
    plan = plan_replacements(segments, "MT", "Text")
    body = [(n, s) for n, s in enumerate(segments, 1) if s.kind.value == "body"]
    assert [(r.number, r.old, r.new) for r in plan] == [
        (n, s.target, s.target.replace("MT", "Text")) for n, s in body
    ]
    # Smart case, the same for both: lower case ignores case, a capital makes it exact.
    assert [r.new for r in plan_replacements(segments, "mt", "x")] == [
        s.target.replace("MT", "x") for _, s in body
    ]
    assert plan_replacements(segments, "Mt", "x") == [] and matches(segments, "Mt", in_source=False) == []
    assert matches(segments, "mt 1", in_source=False) == [1]
    assert matches(segments, "kreml", in_source=True) == [
        i for i, s in enumerate(segments) if "Kreml" in s.source
    ]
    assert plan_replacements(segments, "", "x") == [] and matches(segments, "", True) == []


def test_replace_in_article_edits_each_and_reports_conflicts(bench, article) -> None:
    segments = bench.store.segments(article)
    versions = {s.id: s.version for s in segments}
    other = next(s for s in segments if s.kind.value == "body")
    bench.edit_segment(other.id, "MT changed elsewhere.")  # its version moves on
    changed, notes = bench.replace_in_article(article, "MT", "Text", versions)
    assert {s.target for s in changed} == {
        s.target.replace("MT", "Text") for s in segments if s.id != other.id
    }
    assert all(s.status is Status.EDITED for s in changed)
    number = [s.id for s in segments].index(other.id) + 1
    assert notes == [
        f"segment {number} was changed meanwhile (now edited); your text is kept as a suggestion"
    ]
