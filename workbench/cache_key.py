"""The cache key: what produced a cached machine translation, as one value with one stored form.

A cached translation is only valid for the model (by the hash of its files), backend, beam size,
alignment source and target token that produced it; a pivot's output for both of its legs; a
text already in the target language for that language alone. The key is stored as sorted JSON
(the `mt_key` column, the summary cache's settings): `text()` writes that form and `parse()`
reads it back, so no other code builds or picks apart the JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CacheKey:
    """One of three kinds: a model's output (`model` set), a route through a pivot language
    (`steps`), or texts kept as they are because they are in `identity`'s language already."""

    model: str = ""
    sha256: str = ""
    """The first 16 hex digits of the SHA-256 over the model's files."""
    backend: str = ""
    num_beams: int | None = None
    """None in a model's bare identity (the summary cache names the model this way)."""
    alignment: str | None = None
    """The alignment source's label (e.g. `l-1h0`); a changed source realigns."""
    prefix: str | None = None
    """The `>>xx<<` target token of a multi-target model."""
    identity: str | None = None
    pivot: str | None = None
    steps: tuple[CacheKey, ...] = ()

    @classmethod
    def kept_as_is(cls, language: str) -> CacheKey:
        """Texts already in `language`: each is its own translation."""
        return cls(identity=language)

    @classmethod
    def through(cls, pivot: str, steps: tuple[CacheKey, ...]) -> CacheKey:
        """The output of a route through `pivot`: both legs' keys."""
        return cls(pivot=pivot, steps=steps)

    @property
    def pivoted(self) -> bool:
        return bool(self.steps)

    @property
    def model_name(self) -> str | None:
        """The model that wrote the text; "a + b" through a pivot; None for a kept text."""
        if self.steps:
            return " + ".join(step.model for step in self.steps)
        return self.model or None

    def as_dict(self) -> dict[str, Any]:
        if self.identity is not None:
            return {"identity": self.identity}
        if self.steps:
            return {"pivot": self.pivot, "steps": [step.as_dict() for step in self.steps]}
        values: dict[str, Any] = {"model": self.model, "sha256": self.sha256, "backend": self.backend}
        optional = {"num_beams": self.num_beams, "alignment": self.alignment, "prefix": self.prefix}
        values.update((name, value) for name, value in optional.items() if value is not None)
        return values

    def text(self) -> str:
        """The stored form: sorted JSON (unchanged since the first cache, so old rows still match)."""
        return json.dumps(self.as_dict(), sort_keys=True)

    @classmethod
    def parse(cls, text: str | None) -> CacheKey | None:
        """A stored key back as a value; None for an empty or foreign string."""
        if not text:
            return None
        try:
            values = json.loads(text)
        except ValueError:
            return None
        return cls.from_dict(values) if isinstance(values, dict) else None

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> CacheKey:
        if "identity" in values:
            return cls.kept_as_is(str(values["identity"]))
        if "steps" in values:
            steps = tuple(cls.from_dict(step) for step in values["steps"] if isinstance(step, dict))
            return cls.through(str(values.get("pivot", "")), steps)
        beams = values.get("num_beams")
        return cls(
            model=str(values.get("model", "")),
            sha256=str(values.get("sha256", "")),
            backend=str(values.get("backend", "")),
            num_beams=int(beams) if beams is not None else None,
            alignment=values.get("alignment"),
            prefix=values.get("prefix"),
        )


def model_name_of(stored: str | None) -> str | None:
    """The model a stored key names (see `CacheKey.model_name`); None when it names none."""
    key = CacheKey.parse(stored)
    return key.model_name if key else None
