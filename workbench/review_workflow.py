"""The reviewer's side of the service: states, history, conflicts, memory, flags and effort.

`Workbench` (service.py) inherits these methods, so the TUI and the CLI call one object. Every
change goes through `Store.change_segment`, which writes the history row in the same
transaction and refuses to overwrite a segment changed since the caller read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from workbench.engines.model_files import ModelError, languages_of, readable_name
from workbench.errors import WorkbenchError
from workbench.export.document import key_model_name
from workbench.export.files import write_atomic
from workbench.export.tmx import Unit, render_units
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
from workbench.review.effort import effort
from workbench.review.memory import fuzzy_matches, read_tmx
from workbench.review.quality import segment_flags
from workbench.store.database import EditConflict, Store

__all__ = ["EditConflict", "ReviewWorkflow"]

MEMORY_REVIEWER = "translation memory"


class ReviewWorkflow:
    store: Store
    settings: object

    # --- state changes ----------------------------------------------------------------------

    def edit_segment(self, segment_id: int, text: str, expected_version: int | None = None) -> Segment:
        """Save a reviewer's translation; from now on no machine output replaces it.

        Its word alignment is computed by forced decoding when the model is loaded, and is
        marked stale until then.
        """
        text = " ".join(text.split())
        if not text:
            raise WorkbenchError(
                f"segment {segment_id}: an empty translation cannot be saved; revert instead"
            )
        segment = self._change(segment_id, text, Status.EDITED, expected_version)
        if self.translators_loaded():
            self.realign([segment])
            segment = self._segment(segment_id)
        return segment

    def approve_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Approve the current text; it joins the translation memory."""
        segment = self._segment(segment_id)
        return self._change(segment_id, segment.target, Status.APPROVED, expected_version)

    def set_needs_work(
        self, segment_id: int, on: bool = True, expected_version: int | None = None
    ) -> Segment:
        """Flag a translation for another pass (or take the flag off); its text is kept."""
        segment = self._segment(segment_id)
        if on:
            return self._change(segment_id, segment.target, Status.NEEDS_WORK, expected_version)
        if segment.status is not Status.NEEDS_WORK:
            raise WorkbenchError(f"segment {segment_id} is not marked needs-work")
        if segment.target == segment.mt_text:
            return self._change(segment_id, None, Status.MT, expected_version)
        return self._change(segment_id, segment.target, Status.EDITED, expected_version)

    def revert_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Back to the machine translation (or untranslated); the human text stays in history."""
        segment = self._segment(segment_id)
        status = Status.MT if segment.mt_text else Status.UNTRANSLATED
        return self._change(segment_id, None, status, expected_version)

    def undo_last_change(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Restore the text and status a segment had before its last change (itself a history row)."""
        history = self.store.history(segment_id)
        if not history:
            raise WorkbenchError(f"segment {segment_id} has no change to undo")
        last = history[-1]
        return self._change(segment_id, last.old_target, last.old_status, expected_version)

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

    def history(self, segment_id: int) -> list[Edit]:
        return self.store.history(segment_id)

    def _change(
        self, segment_id: int, target: str | None, status: Status, expected_version: int | None
    ) -> Segment:
        before = self._segment(segment_id)
        check_change(before, target, status)
        languages = self._memory_languages(before) if status is Status.APPROVED else None
        return self.store.change_segment(
            segment_id, target, status, self.settings.reviewer, expected_version, languages=languages
        )

    def _memory_languages(self, segment: Segment) -> tuple[str, str]:
        """An approval's pair for the memory: the segment's source language and the language the
        workspace's reviewers write in (adapt trains a model on its own pair only)."""
        source = self._source_language(segment, self.article(segment.article_id))
        return source, self.store.meta("target_language") or self.settings.target_language

    def _segment(self, segment_id: int) -> Segment:
        segment = self.store.segment(segment_id)
        if segment is None:
            raise WorkbenchError(f"no segment {segment_id} in {self.workspace.path}")
        return segment

    # --- alignment of human texts -------------------------------------------------------------

    def realign(self, segments: Sequence[Segment]) -> int:
        """Word-align human texts by forced decoding with their pair's model; returns how many.

        A pair translated through English has no single model to align with: its human texts
        stay without an alignment.
        """
        stale = [s for s in segments if s.alignment_stale and s.target]
        target = self.target_language()
        by_language: dict[str, list[Segment]] = defaultdict(list)
        for segment in stale:
            by_language[self._source_language(segment, self.article(segment.article_id))].append(segment)
        done = 0
        for language, group in sorted(by_language.items()):
            try:
                route = self.route(language, target)
            except ModelError:
                continue  # no model for this language: the texts stay unaligned
            if route.pivoted:
                continue
            results = self.translator_for(route.steps[0]).align([(s.source, s.target) for s in group])
            for segment, result in zip(group, results, strict=True):
                if result is not None:
                    self.store.set_alignment(segment.id, segment.target, result.alignment, result.score)
                    done += 1
        return done

    # --- suggestions and the translation memory ---------------------------------------------------

    def suggestions(self, segment_id: int) -> list[Suggestion]:
        """Texts the reviewer may take: kept conflicting saves, memory matches, other machine output."""
        segment = self._segment(segment_id)
        found = [Suggestion("conflict", text, origin) for text, origin in self.store.suggestions(segment_id)]
        exact = self.store.memory_for([segment.source])
        if segment.source in exact:
            target, origin = exact[segment.source]
            found.append(Suggestion("tm", target, origin, 100.0))
        for source, score in fuzzy_matches(segment.source, self.store.memory_sources()):
            target, origin = self.store.memory_for([source])[source]
            found.append(Suggestion("fuzzy", target, f"{origin}: {source}", score))
        for mt_key, text, _ in self.store.machine_translations(segment.source):
            found.append(Suggestion("mt", text, readable_name(key_model_name(mt_key) or mt_key)))
        seen = {segment.target}
        unique = []
        for suggestion in found:
            if suggestion.text not in seen:
                seen.add(suggestion.text)
                unique.append(suggestion)
        return unique

    def fill_from_memory(self, segments: Sequence[Segment]) -> int:
        """Give segments no human owns the approved text of an identical source; returns how many."""
        memory = self.store.memory_for(s.source for s in segments if not s.status.is_human)
        fills = [
            (s.id, memory[s.source][0]) for s in segments if s.source in memory and not s.status.is_human
        ]
        return self.store.fill_from_memory(fills, MEMORY_REVIEWER) if fills else 0

    def import_tmx(self, path: Path) -> tuple[int, int, str]:
        """Add a TMX file's pairs for the model's language pair to the memory: (read, new, and a
        note on the units skipped for another language, empty when there were none)."""
        source, target = self._language_pair()
        found = read_tmx(path, source, target)
        new = self.store.add_memory(found.pairs, f"tmx:{path.name}", self.settings.reviewer, (source, target))
        return len(found.pairs), new, found.skipped_note(source, target)

    def export_memory(self, path: Path, include_imported: bool = False) -> int:
        """Write the approved pairs (and imported ones, if asked) as TMX; returns how many."""
        rows = self.store.memory_entries("" if include_imported else "approved")
        units = [
            Unit(str(n), source, target, (("x-origin", origin), ("x-reviewer", reviewer)))
            for n, (source, target, origin, reviewer, _) in enumerate(rows, 1)
        ]
        write_atomic(path, render_units(units, *self._language_pair()), self.workspace.own_files())
        return len(units)

    def _language_pair(self) -> tuple[str, str]:
        """The memory's pair: the default model's source language, the workspace's target."""
        source, _ = languages_of(self.settings.model)
        return source or "de", self.target_language()

    # --- flags, the review queue and effort ------------------------------------------------------

    def flags(self, segment: Segment, conflicts: set[int] | None = None) -> tuple[Flag, ...]:
        own = segment_flags(segment)
        if conflicts is None:
            conflicts = {segment.id} if self.store.suggestions(segment.id) else set()
        if segment.id in conflicts:
            own = (Flag("conflict", "a conflicting save is kept as a suggestion"), *own)
        return own

    def review_queue(self, article_id: int, include_approved: bool = False) -> list[ReviewItem]:
        """Translated body segments to review: flagged first (most flags first), then in reading order."""
        conflicts = self.store.segments_with_suggestions(article_id)
        items = [
            ReviewItem(s, self.flags(s, conflicts))
            for s in self.segments(article_id)
            if s.kind is BlockKind.BODY and s.target and (include_approved or s.status is not Status.APPROVED)
        ]
        return sorted(items, key=lambda item: -len(item.flags))

    def article_stats(self, article_id: int) -> ArticleStats:
        segments = [s for s in self.segments(article_id) if s.kind is BlockKind.BODY]
        states: dict[str, int] = defaultdict(int)
        for segment in segments:
            states[segment.state] += 1
        conflicts = self.store.segments_with_suggestions(article_id)
        return ArticleStats(
            article_id,
            self.article(article_id).title,
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
            segments = {s.id: s for s in self.segments(article_id)}
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


def check_change(before: Segment, target: str | None, status: Status) -> None:
    """The state machine's rules, as one-line errors naming the segment.

    Human states need a text; the machine state needs a machine translation to return to; a
    change must change something.
    """
    name = f"segment {before.id}"
    if status.is_human and not target:
        raise WorkbenchError(f"{name} has no translation to mark {status.value}")
    if status is Status.MT and not before.mt_text:
        raise WorkbenchError(f"{name} has no machine translation to return to")
    if status is before.status and (target or None) == (before.target if status.is_human else None):
        raise WorkbenchError(f"{name} is already {status.value}")


def _post_edits(segments: Sequence[Segment]) -> list[tuple[str, str]]:
    """(machine output, human text) of segments whose human text was written over a machine one."""
    return [
        (s.mt_text, s.target)
        for s in segments
        if s.status.is_human and s.mt_text and s.target and not s.from_memory
    ]
