"""The Translator interface every backend implements, and the factory that picks one.

Importing this module is cheap; the backend module (and with it torch) is imported only when a
translator is actually built.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from workbench.records import Translation


class Translator(Protocol):
    model_dir: Path
    backend: str

    def translate(self, texts: Sequence[str]) -> list[Translation]:
        """Translations of `texts`, in order."""
        ...

    def translate_batches(self, texts: Sequence[str]) -> Iterator[list[tuple[int, Translation]]]:
        """(index, translation) pairs, yielded batch by batch as they finish."""
        ...


def load_translator(
    model_dir: Path, backend: str = "transformers", beam_size: int | None = None, batch_tokens: int = 4096
) -> Translator:
    if backend == "transformers":
        from workbench.engines.marian import MarianTranslator

        return MarianTranslator(model_dir, beam_size=beam_size, batch_tokens=batch_tokens)
    raise ValueError(f"unknown backend '{backend}'")
