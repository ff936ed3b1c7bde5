"""Which model translates a language pair, and the route when none does: pivot through English.

Pure lookups and composition, no torch: the service resolves the names (local store, Hugging
Face cache, download) and loads translators.

A pair's model is, in order: one configured for it (`[models]` in workbench.toml), the
`--model` setting when that model translates this pair, `Helsinki-NLP/opus-mt-{src}-{tgt}`.
A model with several target languages (opus-mt-en-ROMANCE and the like) lists `>>xx<<` tokens
in its vocabulary; the target's token is put before every source text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.cache_key import CacheKey
from workbench.records import GUIDED_HEAD, AlignmentSource, Translation, WordPair

PIVOT = "en"
PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")


@dataclass(frozen=True)
class Step:
    """One model's leg of a route."""

    source: str
    target: str
    model: str
    path: Path
    key: CacheKey
    """The machine-translation cache key of this model with these settings."""
    prefix: str | None = None
    converted_dir: Path | None = None
    """Where the CTranslate2 copy of the model goes."""
    alignment: AlignmentSource = GUIDED_HEAD
    """Where this model's word alignment is read (the converted copy has it built in)."""


@dataclass(frozen=True)
class Route:
    source: str
    target: str
    steps: tuple[Step, ...]

    @property
    def key(self) -> CacheKey:
        """The cache key of the route's output: the model's, or both models' for a pivot."""
        if len(self.steps) == 1:
            return self.steps[0].key
        return CacheKey.through(PIVOT, tuple(step.key for step in self.steps))

    @property
    def pivoted(self) -> bool:
        return len(self.steps) > 1


def parse_pair(text: str) -> tuple[str, str] | None:
    match = PAIR.match(text)
    return (match.group(1), match.group(2)) if match else None


def pair_model(
    source: str,
    target: str,
    configured: Mapping[str, str],
    default_model: str,
    default_languages: tuple[str | None, str | None],
) -> str:
    """The model name (hub id or directory) for a pair, before anything is resolved."""
    if f"{source}-{target}" in configured:
        return configured[f"{source}-{target}"]
    default_source, default_target = default_languages
    if default_source in (source, None) and default_target in (target, None):
        return default_model
    return f"Helsinki-NLP/opus-mt-{source}-{target}"


def target_prefix(model_dir: Path, target: str) -> str | None:
    """`>>fr<<` when the model's vocabulary has target-language tokens, None for one-target models.

    A substring test on the file, not a parse: opus-mt vocabularies hold 58,000 entries and
    this runs whenever a workspace opens a route.
    """
    path = model_dir / "vocab.json"
    token = f'">>{target}<<"'
    return token.strip('"') if path.is_file() and token in path.read_text(encoding="utf-8") else None


def compose(first: Translation, second: Translation) -> Translation:
    """A pivot translation: the second leg's text, alignments chained through the pivot words."""
    through: dict[int, set[int]] = {}
    for pivot_word, target_word in second.alignment:
        through.setdefault(pivot_word, set()).add(target_word)
    pairs: set[WordPair] = {
        (source_word, target_word)
        for source_word, pivot_word in first.alignment
        for target_word in through.get(pivot_word, ())
    }
    return Translation(
        text=second.text,
        alignment=tuple(sorted(pairs, key=lambda pair: (pair[1], pair[0]))),
        score=min(first.score, second.score),  # as confident as the weaker leg
        tokens=second.tokens,
        pieces=max(first.pieces, second.pieces),
    )
