"""Each part of the service is built from the store and what it needs, and works alone.

No Workbench here: the parts are composed by hand, as service/workbench.py composes them, with a
real SQLite file and no model (nothing below needs one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import SEEDS
from workbench.errors import WorkbenchError
from workbench.records import BlockKind, Status
from workbench.review import rules
from workbench.service.articles import Articles
from workbench.service.languages import Languages
from workbench.service.memory import MEMORY_REVIEWER, TranslationMemory
from workbench.service.models import ModelRegistry, Session
from workbench.service.realignment import Realigner
from workbench.service.review import Review
from workbench.settings import load_workspace
from workbench.store.database import Store

SEED = SEEDS / "000_bb1e4186efedc55e.txt"


@pytest.fixture
def parts(tmp_path: Path):
    workspace = load_workspace(str(tmp_path / "ws"), {"reviewer": "ana", "offline": True}, env={})
    session, store = Session(workspace), Store(workspace.db_path)
    registry, languages, articles = (
        ModelRegistry(session, store),
        Languages(session, store),
        Articles(session, store),
    )
    realigner = Realigner(store, registry, languages, articles)
    yield {
        "store": store,
        "articles": articles,
        "memory": TranslationMemory(session, store, languages),
        "review": Review(session, store, articles, languages, registry, realigner),
    }
    store.close()


def test_review_alone_edits_approves_and_keeps_history(parts) -> None:
    [result] = parts["articles"].import_paths([SEED])
    review: Review = parts["review"]
    segment = next(s for s in parts["store"].segments(result.article_id) if s.kind is BlockKind.BODY)
    review.edit_segment(segment.id, "  A reviewer's   text. ")
    approved = review.approve_segment(segment.id)
    assert (approved.status, approved.target) == (Status.APPROVED, "A reviewer's text.")
    assert [(e.new_status, e.reviewer) for e in review.history(segment.id)] == [
        (Status.EDITED, "ana"),
        (Status.APPROVED, "ana"),
    ]
    with pytest.raises(WorkbenchError, match=f"segment {segment.id} is already approved"):
        review.approve_segment(segment.id)


def test_memory_alone_fills_an_identical_sentence(parts) -> None:
    [result] = parts["articles"].import_paths([SEED])
    store: Store = parts["store"]
    first = next(s for s in store.segments(result.article_id) if s.kind is BlockKind.BODY)
    store.add_memory([(first.source, "A text from a TMX file.")], "tmx:desk.tmx", "ben")
    assert parts["memory"].fill(store.segments(result.article_id)) == 1
    filled = store.segment(first.id)
    assert (filled.status, filled.target, filled.origin) == (Status.EDITED, "A text from a TMX file.", "tm")
    assert parts["review"].history(first.id)[-1].reviewer == MEMORY_REVIEWER


def test_the_rules_are_pure_and_name_the_segment(parts) -> None:
    [result] = parts["articles"].import_paths([SEED])
    segment = next(s for s in parts["store"].segments(result.article_id) if s.kind is BlockKind.BODY)
    with pytest.raises(WorkbenchError, match=f"segment {segment.id} has no translation to mark approved"):
        rules.approve(segment)
    with pytest.raises(WorkbenchError, match="empty translation"):
        rules.edit(segment, "   ")
    assert rules.edit(segment, "a  b") == rules.Change("a b", Status.EDITED)
