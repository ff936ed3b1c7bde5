"""The plain data classes every layer passes to every other.

They carry no behaviour beyond small derived views, so engines, store and faces can exchange
them without importing each other (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from workbench.cache_key import CacheKey

WordPair = tuple[int, int]
"""(source word index, target word index); words are the whitespace-split tokens of each text."""


class BlockKind(StrEnum):
    BODY = "body"
    BOILERPLATE = "boilerplate"


class Status(StrEnum):
    """Life cycle of a segment's translation: untranslated -> mt -> edited -> approved, plus needs-work.

    Edited, approved and needs-work text is owned by a human: machine output never replaces it.
    """

    UNTRANSLATED = "untranslated"
    MT = "mt"
    EDITED = "edited"
    APPROVED = "approved"
    NEEDS_WORK = "needs-work"

    @property
    def is_human(self) -> bool:
        return self in (Status.EDITED, Status.APPROVED, Status.NEEDS_WORK)


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit of a source file, classified before anything is translated."""

    position: int
    text: str
    kind: BlockKind
    reason: str
    language: str
    sentences: tuple[str, ...]
    is_title: bool = False


@dataclass(frozen=True)
class Article:
    """A decoded, cleaned and segmented source file, ready to be stored."""

    path: str
    title: str
    outlet: str | None
    language: str
    content_hash: str
    blocks: tuple[Block, ...]
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()
    url: str | None = None
    """Where the page lives: its canonical URL, else the address it was fetched from."""
    author: str | None = None
    date: str | None = None
    """Publication date, YYYY-MM-DD, as the page states it."""


@dataclass(frozen=True)
class FetchedPage:
    """A page as fetched over HTTP: kept with its article, so a later import can tell an
    unchanged page and a reviewer can see what the text was made from."""

    address: str
    """The URL asked for (the article's path)."""
    final_url: str
    """Where the redirects ended."""
    redirects: tuple[str, ...]
    """The addresses passed through on the way, in order."""
    content_type: str | None
    body: bytes


@dataclass(frozen=True)
class Translation:
    """What an engine returns for one source text."""

    text: str
    alignment: tuple[WordPair, ...]
    score: float
    """Mean log-probability per target token (closer to 0 is more confident)."""
    tokens: int
    """Target subword tokens generated, for throughput figures."""
    pieces: int = 1
    """How many clause pieces the source was split into to fit the model's input limit."""
    cut_words: int = 0
    """Cuts made inside words longer than the model's whole input (a long URL): recorded, since
    the model saw such a word in fragments."""


@dataclass(frozen=True)
class ArticleInfo:
    """An article as the faces list it."""

    id: int
    path: str
    title: str
    outlet: str | None
    language: str
    revision: int
    segments: int
    translated: int
    reviewed: int
    url: str | None = None
    author: str | None = None
    date: str | None = None
    """Publication date, YYYY-MM-DD."""

    def newest_first(self) -> tuple[bool, tuple[int, ...], int]:
        """A sort key: the newest publication date first, undated articles after in import order."""
        return (
            self.date is None,
            tuple(-int(part) for part in (self.date or "").split("-") if part.isdigit()),
            self.id,
        )


@dataclass(frozen=True)
class Segment:
    """One sentence of a stored article with its current translation, as the faces show it."""

    id: int
    article_id: int
    block_position: int
    position: int
    source: str
    kind: BlockKind
    reason: str
    language: str
    is_title: bool
    status: Status
    target: str | None
    score: float | None = None
    alignment: tuple[WordPair, ...] = ()
    mt_key: str | None = None
    mt_text: str | None = None
    """The machine translation the segment was given, kept under a human text for diffs and effort."""
    origin: str | None = None
    """"tm" when the human text was filled in from the translation memory."""
    alignment_stale: bool = False
    """A human text whose word alignment is not computed yet (it needs the model)."""
    version: int = 0
    """Counts human changes; a save based on an older version is a conflict, not a lost update."""

    @property
    def from_memory(self) -> bool:
        """Filled with the approved text of an identical source: nobody edited it here, so
        `show`, `stats` and `review --diff` count it as "tm", never as an edit."""
        return self.origin == "tm" and self.status is Status.EDITED

    @property
    def state(self) -> str:
        """The state the faces show and count: the status, or "tm" for a memory fill."""
        return "tm" if self.from_memory else self.status.value

    @property
    def post_edited(self) -> bool:
        """A human text that differs from the machine output it replaced (a diff to show)."""
        return (
            self.status.is_human
            and not self.from_memory
            and self.mt_text is not None
            and self.target not in (None, self.mt_text)
        )

    @property
    def cache_key(self) -> CacheKey | None:
        """What wrote the machine translation (its model, or both legs through English)."""
        return CacheKey.parse(self.mt_key)

    @property
    def pivoted(self) -> bool:
        """Machine-translated through English (the cache key of a pivot route says so)."""
        key = self.cache_key
        return key is not None and key.pivoted


@dataclass(frozen=True)
class Suggestion:
    """A text the reviewer may take for a segment, and where it comes from."""

    kind: str
    """"conflict" (a save that found the segment changed), "tm" (exact memory match), "fuzzy", "mt"."""
    text: str
    origin: str
    score: float | None = None
    """Fuzzy match score 0-100 for "fuzzy"; None otherwise."""


@dataclass(frozen=True)
class Flag:
    """A reason to look at a segment first."""

    code: str
    """"low-score", "length", "numbers", "repeat" or "conflict"."""
    message: str


@dataclass(frozen=True)
class Edit:
    """One history row of a segment."""

    segment_id: int | None
    old_target: str | None
    new_target: str | None
    old_status: Status
    new_status: Status
    reviewer: str
    at: str
    step: str | None = None
    """None for a change; "undo" or "redo" for a row that stepped back or forward."""


@dataclass
class TranslateReport:
    """What one translate run did; `line()` is the closing line of the CLI."""

    segments: int = 0
    from_cache: int = 0
    translated: int = 0
    tokens: int = 0
    seconds: float = 0.0
    skipped_human: int = 0
    from_memory: int = 0
    """Segments given an approved translation from the translation memory instead of MT."""
    pivoted: int = 0
    """Segments translated through English because no model translates their pair directly."""
    no_model: dict[str, int] = field(default_factory=dict)
    """Segments left untranslated per language that has no model (a quote in a third language)."""

    def add(self, other: TranslateReport) -> None:
        self.segments += other.segments
        self.from_cache += other.from_cache
        self.translated += other.translated
        self.tokens += other.tokens
        self.skipped_human += other.skipped_human
        self.from_memory += other.from_memory
        self.pivoted += other.pivoted
        for language, count in other.no_model.items():
            self.no_model[language] = self.no_model.get(language, 0) + count

    @property
    def done(self) -> int:
        return self.from_cache + self.from_memory + self.translated

    def line(self) -> str:
        rate = self.tokens / self.seconds if self.seconds > 0 else 0.0
        notes = [f"{self.from_memory} from memory"] if self.from_memory else []
        if self.pivoted:
            notes.append(f"{self.pivoted} through English")
        notes += [
            f"{count} in {language} left: no model" for language, count in sorted(self.no_model.items())
        ]
        return (
            f"translated {self.segments} segments ({self.from_cache} from cache) "
            f"in {self.seconds:.1f} s, {rate:.0f} tok/s" + "".join(f", {note}" for note in notes)
        )


@dataclass(frozen=True)
class SummarySentence:
    text: str
    segment_ids: tuple[int, ...]
    """The segments the sentence comes from (extractive) or is closest to (abstractive)."""


@dataclass(frozen=True)
class Summary:
    article_id: int
    mode: str
    sentences: tuple[SummarySentence, ...]
    language: str
    note: str = ""
    """Said to the user: e.g. why this mode, or that no translation existed yet."""
    from_cache: bool = False


@dataclass(frozen=True)
class DigestSource:
    article_id: int
    title: str
    date: str | None
    segment_ids: tuple[int, ...]


@dataclass(frozen=True)
class DigestItem:
    """One fact of a multi-article digest; near-duplicates from several articles share an item."""

    text: str
    sources: tuple[DigestSource, ...]


@dataclass(frozen=True)
class Effort:
    """Post-editing effort over segments that have both a machine translation and a human text."""

    segments: int
    changed: int
    hter: float
    """Corpus-level TER of the machine output against the human text, in percent."""
    char_edits: int
    """Sum of character edit distances."""


@dataclass(frozen=True)
class ReviewItem:
    segment: Segment
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class ArticleStats:
    article_id: int
    title: str
    states: dict[str, int]
    flagged: int
    effort: Effort


@dataclass(frozen=True)
class ReviewerStats:
    reviewer: str
    edits: int
    approvals: int
    effort: Effort
    """Over the segments whose current human text this reviewer wrote."""


@dataclass(frozen=True)
class AlignmentSource:
    """The cross-attention word alignment is read from: one decoder layer, the mean of some heads.

    OPUS-MT models ("transformer-align") are trained with Marian's guided alignment, which
    teaches head 0 of the last decoder layer to follow word alignments (Marian's
    `--transformer-guided-alignment-layer` defaults to `last`; `collectOneHead` takes head 0);
    CTranslate2's converter reads that head by default too. Averaging it with untrained heads
    or another layer blurs it, so that head is the default; a model trained otherwise names its
    own in workbench.toml (`[alignment."MODEL"]`, `layer` and `heads`).
    """

    layer: int = -1
    """Decoder layer, counted from 0; negative counts from the last (-1)."""
    heads: tuple[int, ...] = (0,)
    """Heads averaged; CTranslate2 can read only the first N heads (0, 1, ..., N-1)."""

    def label(self) -> str:
        """As cache keys and converted-model directories name it: `l-1h0`, `l4h0-7`."""
        heads = ",".join(map(str, self.heads))
        if len(self.heads) > 1 and self.heads == tuple(range(self.heads[0], self.heads[-1] + 1)):
            heads = f"{self.heads[0]}-{self.heads[-1]}"
        return f"l{self.layer}h{heads}"

    def leading_heads(self) -> int | None:
        """N when the heads are the first N (what CTranslate2 can read), else None."""
        return len(self.heads) if self.heads == tuple(range(len(self.heads))) else None


GUIDED_HEAD = AlignmentSource()
"""Head 0 of the last decoder layer: where OPUS-MT's guided alignment is trained."""
