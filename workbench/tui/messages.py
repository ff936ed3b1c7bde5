"""What the TUI's worker threads report, as typed messages handled with `@on`.

A worker posts one of these (`post_message` is thread-safe) instead of calling back into the UI
with string outcomes and positional arguments, so each outcome has its own handler and its own
fields, and a type checker sees a misspelt one.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from workbench.records import Summary
from workbench.service.adaptation import AdaptedModel


@dataclass
class TranslationProgress(Message):
    """A batch was committed (or the run is about to start): `done` of `total` segments."""

    done: int
    total: int
    model_loaded: bool
    """Whether the worker has its model: until then the status says "loading model…"."""


@dataclass
class TranslationFinished(Message):
    cached: int
    total: int


@dataclass
class TranslationCancelled(Message):
    """The worker stopped between batches after the reviewer pressed cancel."""

    done: int
    total: int


@dataclass
class TranslationFailed(Message):
    error: str


@dataclass
class SummaryReady(Message):
    summary: Summary


@dataclass
class SummaryFailed(Message):
    error: str


@dataclass
class ImportFinished(Message):
    errors: list[str]
    """One line per file that could not be imported."""


@dataclass
class AdaptProgress(Message):
    step: int
    total_steps: int
    loss: float
    epoch: int
    epochs: int
    validation_loss: float | None


@dataclass
class AdaptFinished(Message):
    adapted: AdaptedModel


@dataclass
class AdaptFailed(Message):
    error: str


@dataclass
class WebImportProgress(Message):
    """A URL fetched: `done` of `total` in the current request."""

    done: int
    total: int
    url: str


@dataclass
class WebImportFinished(Message):
    """What to tell the reviewer: one summary line, and a line per failure."""

    summary: str
    errors: list[str]
