"""The first screen: every article in the workspace, filtered as you type, sortable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from workbench.records import ArticleInfo
from workbench.tui.screen_base import WorkbenchScreen
from workbench.tui.status import StatusBar

SORTS: tuple[tuple[str, str | None, Callable[[ArticleInfo], Any]], ...] = (
    ("imported", None, lambda a: a.id),
    ("title", "title", lambda a: a.title.casefold()),
    ("language", "lang", lambda a: (a.language, a.id)),
    ("% translated", "translated", lambda a: (-_share(a.translated, a.segments), a.id)),
    ("% reviewed", "reviewed", lambda a: (-_share(a.reviewed, a.segments), a.id)),
    ("date, newest first", "date", ArticleInfo.newest_first),
)
"""(name, the column it sorts, key): the sorted column's head carries a ▼."""

COLUMNS = (("lang", 4), ("outlet", 12), ("date", 10), ("segs", 4), ("translated", 10), ("reviewed", 8))
"""The fixed columns and their widths; the title takes the rest of the screen."""

_CELL_PADDING = 2
_SCROLLBAR = 2


def _head(name: str, sorted_column: str | None) -> str:
    """A column's head; the sorted one marked, the mark never cut by a narrow column."""
    return f"{name}▼" if name == sorted_column else name


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis, so a cut is visible."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def matches(article: ArticleInfo, needle: str) -> bool:
    """Every word of the filter occurs somewhere in the title, outlet or language."""
    haystack = f"{article.title} {article.outlet or ''} {article.language}".casefold()
    return all(word in haystack for word in needle.casefold().split())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _share(part: int, whole: int) -> int:
    return 100 * part // whole if whole else 0


class ArticleTable(DataTable[str]):
    """The list of articles: Enter opens one (shown in the footer: the table's own Enter binding
    is hidden and would hide the screen's); Home and End go to the first and last row (the
    table's own keys scroll sideways, which a row cursor never needs)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open"),
        Binding("home", "scroll_top", "First article", show=False),
        Binding("end", "scroll_bottom", "Last article", show=False),
    ]


class ArticleListScreen(WorkbenchScreen[None]):
    # Every printable key types into the filter, so the bindings here are all non-printable.
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("f2", "sort", "Sort"),
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("backspace", "filter_backspace", "Delete filter character", show=False),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.sort_index = 0
        self.shown: list[ArticleInfo] = []
        self.current_id: int | None = None
        """The article under the cursor: kept across reloads, filters and returns from an article."""

    def compose(self) -> ComposeResult:
        yield Static(id="filter")
        yield ArticleTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield Static(id="empty")
        yield StatusBar(id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.reload()

    def _columns(self) -> list[tuple[str, int]]:
        """The fixed columns' heads and widths, each wide enough for its head and sort mark."""
        _, sorted_column, _ = SORTS[self.sort_index]
        return [(head := _head(name, sorted_column), max(width, len(head))) for name, width in COLUMNS]

    def _title_width(self) -> int:
        fixed = sum(width + _CELL_PADDING for _, width in self._columns())
        return max(12, self.app.size.width - fixed - _CELL_PADDING - _SCROLLBAR)

    def _add_columns(self, table: DataTable[str]) -> None:
        """The heads, the sorted one marked; the title takes what the fixed columns leave."""
        _, sorted_column, _ = SORTS[self.sort_index]
        table.add_column(_head("title", sorted_column), width=self._title_width(), key="title")
        for (head, width), (name, _) in zip(self._columns(), COLUMNS, strict=True):
            table.add_column(head, width=width, key=name)

    def on_screen_resume(self) -> None:
        self.workbench_app.status = self.workbench_app.status.for_another_view()  # it was the article's
        self.reload()

    def reload(self) -> None:
        """Re-read the articles and redraw the table with the filter and sort applied."""
        articles = self.bench.articles()
        name, _, key = SORTS[self.sort_index]
        self.shown = sorted((a for a in articles if matches(a, self.filter_text)), key=key)
        table: DataTable[str] = self.query_one(DataTable)
        table.clear(columns=True)
        self._add_columns(table)
        title_width = self._title_width()
        for a in self.shown:
            table.add_row(
                _fit(a.title, title_width),
                a.language,
                _fit(a.outlet or "", COLUMNS[1][1]),
                a.date or "",
                str(a.segments),
                f"{_share(a.translated, a.segments)}%",
                f"{_share(a.reviewed, a.segments)}%",
                key=str(a.id),
            )
        ids = [a.id for a in self.shown]
        if self.current_id in ids:
            table.move_cursor(row=ids.index(self.current_id), animate=False)
        filter_line = self.query_one("#filter", Static)
        filter_line.set_class(bool(self.filter_text), "active")
        filter_line.update(
            f"filter: {self.filter_text}▏  sorted by {name}"
            if self.filter_text
            else f"type to filter · sorted by {name} (F2) · {_plural(len(articles), 'article')}"
        )
        empty = self.query_one("#empty", Static)
        empty.display = not self.shown
        empty.update(
            "No article matches the filter." if articles else "No articles yet: run `workbench import PATH`."
        )

    def on_key(self, event: events.Key) -> None:
        """Type-to-filter: printable keys that are not bindings extend the filter."""
        if event.is_printable and event.character:
            self.filter_text += event.character
            event.stop()
            self.reload()

    def action_filter_backspace(self) -> None:
        if self.filter_text:
            self.filter_text = self.filter_text[:-1]
            self.reload()

    def action_clear_filter(self) -> None:
        self.filter_text = ""
        self.reload()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.reload()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.shown:
            self._open(self.shown[table.cursor_row].id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(int(event.row_key.value or 0))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.current_id = int(event.row_key.value)

    def _open(self, article_id: int) -> None:
        self.current_id = article_id
        self.workbench_app.open_article(article_id)

    def action_help(self) -> None:
        self.workbench_app.show_help(self)
