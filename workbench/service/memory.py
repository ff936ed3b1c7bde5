"""The translation memory: approved pairs filled into identical sentences, TMX in and out.

An approval adds its pair in the same transaction (store); this part reads the memory back:
an identical source in any article gets the approved text before any machine translation is
asked for, and TMX files carry pairs between the workspace and CAT tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.export.files import write_atomic
from workbench.export.tmx import Unit, render_units
from workbench.records import Segment
from workbench.review.memory import read_tmx
from workbench.service.languages import Languages
from workbench.service.models import Session
from workbench.store.database import Store

MEMORY_REVIEWER = "translation memory"
"""The reviewer named in the history of a segment filled from the memory."""


class TranslationMemory:
    def __init__(self, session: Session, store: Store, languages: Languages) -> None:
        self.session = session
        self.store = store
        self.languages = languages

    def fill(self, segments: Sequence[Segment]) -> int:
        """Give segments no human owns the approved text of an identical source; returns how many."""
        memory = self.store.memory_for(s.source for s in segments if not s.status.is_human)
        fills = [
            (s.id, memory[s.source][0]) for s in segments if s.source in memory and not s.status.is_human
        ]
        return self.store.fill_from_memory(fills, MEMORY_REVIEWER) if fills else 0

    def import_tmx(self, path: Path) -> tuple[int, int, str]:
        """Add a TMX file's pairs for the model's language pair to the memory: (read, new, and a
        note on the units skipped for another language, empty when there were none)."""
        source, target = self.languages.memory_pair()
        found = read_tmx(path, source, target)
        reviewer = self.session.settings.reviewer
        new = self.store.add_memory(found.pairs, f"tmx:{path.name}", reviewer, (source, target))
        return len(found.pairs), new, found.skipped_note(source, target)

    def export_tmx(self, path: Path, include_imported: bool = False) -> int:
        """Write the approved pairs (and imported ones, if asked) as TMX; returns how many."""
        rows = self.store.memory_entries("" if include_imported else "approved")
        units = [
            Unit(str(n), source, target, (("x-origin", origin), ("x-reviewer", reviewer)))
            for n, (source, target, origin, reviewer, _) in enumerate(rows, 1)
        ]
        workspace = self.session.workspace
        write_atomic(path, render_units(units, *self.languages.memory_pair()), workspace.own_files())
        return len(units)
