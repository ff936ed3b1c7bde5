"""The reviewer's side of the service: state changes, history, conflicts, suggestions, flags, effort.

What each action does is decided in review/rules.py; this part reads the segment, asks the
rules, and hands the change to `Store.change_segment`, which writes the history row in the same
transaction and refuses to overwrite a segment changed since the caller read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from workbench.cache_key import model_name_of
from workbench.engines.model_files import readable_name
from workbench.errors import WorkbenchError
from workbench.records import (
    ArticleStats,
    BlockKind,
    Edit,
    Flag,
    ReviewerStats,
    ReviewItem,
    Segment,
    Status,
    Suggestion,
)
from workbench.review import rules
from workbench.review.effort import effort
from workbench.review.memory import fuzzy_matches
from workbench.review.quality import segment_flags
from workbench.review.replace import plan_replacements
from workbench.review.undo import HistoryStep, redo_step, undo_step
from workbench.service.articles import Articles
from workbench.service.languages import Languages
from workbench.service.models import ModelRegistry, Session
from workbench.service.realignment import Realigner
from workbench.store.database import EditConflict, Store
from workbench.store.drafts import Draft, article_drafts, drop_draft, put_draft
from workbench.store.undo import change_as_step, history_steps

__all__ = ["EditConflict", "Review"]


class Review:
    def __init__(
        self,
        session: Session,
        store: Store,
        articles: Articles,
        languages: Languages,
        registry: ModelRegistry,
        realigner: Realigner,
    ) -> None:
        self.session = session
        self.store = store
        self.articles = articles
        self.languages = languages
        self.registry = registry
        self.realigner = realigner

    # --- state changes ----------------------------------------------------------------------

    def edit_segment(self, segment_id: int, text: str, expected_version: int | None = None) -> Segment:
        """Save a reviewer's translation; its word alignment is computed by forced decoding when
        the model is loaded, and is marked stale until then."""
        segment = self._apply(rules.edit(self.segment(segment_id), text), segment_id, expected_version)
        if self.registry.translators_loaded():
            self.realigner.realign([segment])
            segment = self.segment(segment_id)
        return segment

    def approve_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        return self._apply(rules.approve(self.segment(segment_id)), segment_id, expected_version)

    def set_needs_work(
        self, segment_id: int, on: bool = True, expected_version: int | None = None
    ) -> Segment:
        return self._apply(rules.needs_work(self.segment(segment_id), on), segment_id, expected_version)

    def revert_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        return self._apply(rules.revert(self.segment(segment_id)), segment_id, expected_version)

    def undo_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Take back the latest change not yet undone; repeated, back to the machine translation."""
        step = undo_step(history_steps(self.store, segment_id))
        change = rules.undo(self.segment(segment_id), step)
        return self._apply_step(segment_id, change, step, "undo", expected_version)

    def redo_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Apply again the latest change undone (and not replaced by a new change since)."""
        step = redo_step(history_steps(self.store, segment_id))
        change = rules.redo(self.segment(segment_id), step)
        return self._apply_step(segment_id, change, step, "redo", expected_version)

    def _apply_step(
        self,
        segment_id: int,
        change: rules.Change,
        step: HistoryStep | None,
        kind: str,
        expected_version: int | None,
    ) -> Segment:
        assert step is not None, "the rules refuse a step that is not there"
        reviewer = self.session.settings.reviewer
        languages = self._memory_languages(segment_id) if change.status is Status.APPROVED else None
        args = (change.target, change.status, reviewer, expected_version, step, kind, languages)
        change_as_step(self.store, segment_id, *args)
        return self.segment(segment_id)

    def replace_in_article(
        self, article_id: int, find: str, replace: str, expected: Mapping[int, int]
    ) -> tuple[list[Segment], list[str]]:
        """Replace `find` in the article's translations (the plan the preview showed); each segment
        is an edit with its own history row. Returns the changed segments and, for any changed
        meanwhile (its version no longer the one in `expected`), a one-line note."""
        changed, notes = [], []
        for item in plan_replacements(self.store.segments(article_id), find, replace):
            try:
                changed.append(self.edit_segment(item.segment_id, item.new, expected.get(item.segment_id)))
            except WorkbenchError as error:  # a conflict keeps the other text: say so, go on
                notes.append(str(error).replace(f"segment {item.segment_id} ", f"segment {item.number} ", 1))
        return changed, notes

    # --- drafts: what a reviewer is typing, kept until saved or discarded ------------------------

    def save_draft(self, segment_id: int, text: str, base_version: int) -> None:
        """Keep a text the reviewer is typing, so a crash or a failed save loses none of it."""
        put_draft(self.store, segment_id, text, base_version)

    def discard_draft(self, segment_id: int) -> None:
        drop_draft(self.store, segment_id)

    def drafts(self, article_id: int) -> dict[int, Draft]:
        """Unsaved texts of an article's segments, by segment id."""
        return article_drafts(self.store, article_id)

    def _apply(self, change: rules.Change, segment_id: int, expected_version: int | None) -> Segment:
        reviewer = self.session.settings.reviewer
        languages = self._memory_languages(segment_id) if change.status is Status.APPROVED else None
        return self.store.change_segment(
            segment_id, change.target, change.status, reviewer, expected_version, languages=languages
        )

    def _memory_languages(self, segment_id: int) -> tuple[str, str]:
        """An approval's pair for the memory: the segment's source language and the language the
        workspace's reviewers write in (adapt trains a model on its own pair only)."""
        segment = self.segment(segment_id)
        info = self.articles.article(segment.article_id)
        return self.languages.source_language(segment, info), self.languages.target_language()

    def segment(self, segment_id: int) -> Segment:
        found = self.store.segment(segment_id)
        if found is None:
            raise WorkbenchError(f"no segment {segment_id} in {self.session.workspace.path}")
        return found

    def history(self, segment_id: int) -> list[Edit]:
        return self.store.history(segment_id)

    # --- segment numbers, as the faces show them ---------------------------------------------

    def segment_numbers(self, article_id: int) -> dict[int, int]:
        """Segment id -> its number in the article: 1-based, reading order, boilerplate and
        title included. `show` and `review` print it; `edit` and `approve` take it."""
        return {s.id: n for n, s in enumerate(self.store.segments(article_id), 1)}

    def numbered_segment(self, article_id: int, number: int) -> Segment:
        """The article's segment with that number (see `segment_numbers`)."""
        segments = self.store.segments(article_id)
        if not 1 <= number <= len(segments):
            raise WorkbenchError(
                f"article {article_id} has segments 1 to {len(segments)}, not {number}; "
                f"see: workbench show {article_id}"
            )
        return segments[number - 1]

    # --- suggestions ----------------------------------------------------------------------------

    def best_memory_match(self, segment_id: int) -> Suggestion | None:
        """The memory's closest match for a segment (exact first), shown beside it unasked."""
        return next(self._memory_matches(self.segment(segment_id).source, fuzzy_limit=1), None)

    def _memory_matches(self, source: str, fuzzy_limit: int = 5) -> Iterator[Suggestion]:
        """The memory's exact match for `source` (score 100), then fuzzy ones, best first; lazily,
        so a caller that takes the first never scans the memory when an exact match exists."""
        exact = self.store.memory_for([source])
        if source in exact:
            target, origin = exact[source]
            yield Suggestion("tm", target, origin, 100.0)
        for match, score in fuzzy_matches(source, self.store.memory_sources(), limit=fuzzy_limit):
            target, origin = self.store.memory_for([match])[match]
            yield Suggestion("fuzzy", target, f"{origin}: {match}", score)

    def suggestions(self, segment_id: int) -> list[Suggestion]:
        """Texts the reviewer may take: kept conflicting saves, memory matches, other machine output."""
        segment = self.segment(segment_id)
        found = [Suggestion("conflict", text, origin) for text, origin in self.store.suggestions(segment_id)]
        found.extend(self._memory_matches(segment.source))
        for mt_key, text, _ in self.store.machine_translations(segment.source):
            found.append(Suggestion("mt", text, readable_name(model_name_of(mt_key) or mt_key)))
        seen = {segment.target}
        unique = []
        for suggestion in found:
            if suggestion.text not in seen:
                seen.add(suggestion.text)
                unique.append(suggestion)
        return unique

    # --- flags, the review queue and effort ------------------------------------------------------

    def flags(self, segment: Segment, conflicts: set[int] | None = None) -> tuple[Flag, ...]:
        """Reasons to look at a segment first; a kept conflicting save is one of them."""
        own = segment_flags(segment)
        if conflicts is None:
            conflicts = {segment.id} if self.store.suggestions(segment.id) else set()
        if segment.id in conflicts:
            own = (Flag("conflict", "a conflicting save is kept as a suggestion"), *own)
        return own

    def article_flags(self, article_id: int) -> dict[int, tuple[Flag, ...]]:
        """Every segment's flags by id, the conflict flag included: faces draw these, never their own."""
        conflicts = self.store.segments_with_suggestions(article_id)
        return {s.id: self.flags(s, conflicts) for s in self.store.segments(article_id)}

    def review_queue(self, article_id: int, include_approved: bool = False) -> list[ReviewItem]:
        """Translated body segments to review: flagged first (most flags first), then in reading order."""
        conflicts = self.store.segments_with_suggestions(article_id)
        items = [
            ReviewItem(s, self.flags(s, conflicts))
            for s in self.store.segments(article_id)
            if s.kind is BlockKind.BODY and s.target and (include_approved or s.status is not Status.APPROVED)
        ]
        return sorted(items, key=lambda item: -len(item.flags))

    def article_stats(self, article_id: int) -> ArticleStats:
        segments = [s for s in self.store.segments(article_id) if s.kind is BlockKind.BODY]
        states: dict[str, int] = defaultdict(int)
        for segment in segments:
            states[segment.state] += 1
        conflicts = self.store.segments_with_suggestions(article_id)
        return ArticleStats(
            article_id,
            self.articles.article(article_id).title,
            dict(states),
            sum(bool(self.flags(s, conflicts)) for s in segments),
            effort(_post_edits(segments)),
        )

    def reviewer_stats(self, article_ids: Sequence[int]) -> list[ReviewerStats]:
        """Per reviewer: history rows written, approvals, and the effort of the texts they wrote."""
        edits: dict[str, int] = defaultdict(int)
        approvals: dict[str, int] = defaultdict(int)
        authored: dict[str, list[Segment]] = defaultdict(list)
        for article_id in article_ids:
            segments = {s.id: s for s in self.store.segments(article_id)}
            author: dict[int, str] = {}
            for row in self.store.article_history(article_id):
                edits[row.reviewer] += 1
                approvals[row.reviewer] += row.new_status is Status.APPROVED
                if row.new_status is Status.EDITED and row.segment_id is not None:
                    author[row.segment_id] = row.reviewer
            for segment_id, reviewer in author.items():
                authored[reviewer].append(segments[segment_id])
        return [
            ReviewerStats(name, edits[name], approvals[name], effort(_post_edits(authored[name])))
            for name in sorted(edits)
        ]


def _post_edits(segments: Sequence[Segment]) -> list[tuple[str, str]]:
    """(machine output, human text) of segments whose human text was written over a machine one."""
    return [
        (s.mt_text, s.target)
        for s in segments
        if s.status.is_human and s.mt_text and s.target and not s.from_memory
    ]
