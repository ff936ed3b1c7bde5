"""The Translator interface every backend implements, and the factory that picks one.

Importing this module is cheap; the backend module (and with it torch) is imported only when a
translator is actually built.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from workbench.records import GUIDED_HEAD, AlignmentSource, Translation


class Translator(Protocol):
    model_dir: Path
    backend: str

    def translate(self, texts: Sequence[str]) -> list[Translation]:
        """Translations of `texts`, in order."""
        ...

    def translate_batches(
        self, texts: Sequence[str], first: int = 0
    ) -> Iterator[list[tuple[int, Translation]]]:
        """(index, translation) pairs, yielded batch by batch as they finish; the first `first`
        texts in batches of their own, before the rest."""
        ...

    def align(self, pairs: Sequence[tuple[str, str]]) -> list[Translation | None]:
        """Score and word-align given (source, target) pairs by forced decoding."""
        ...


BACKENDS = ("auto", "ctranslate2", "transformers", "transformers-int8")


def resolve_backend(name: str) -> str:
    """'auto' is CTranslate2 when it is installed (about 4x faster on CPU), else transformers."""
    if name != "auto":
        return name
    return "ctranslate2" if importlib.util.find_spec("ctranslate2") else "transformers"


def load_translator(
    model_dir: Path,
    backend: str = "auto",
    beam_size: int | None = None,
    batch_tokens: int = 4096,
    converted_dir: Path | None = None,
    target_prefix: str | None = None,
    alignment: AlignmentSource = GUIDED_HEAD,
) -> Translator:
    """Build the backend; `converted_dir` is where CTranslate2 keeps its converted copy.

    `target_prefix` is the `>>xx<<` token a multilingual-target model needs before each text;
    `alignment` is where word alignment is read, on either backend.
    """
    backend = resolve_backend(backend)
    if backend == "ctranslate2":
        from workbench.engines.ctranslate2_marian import CTranslate2Translator

        converted = (
            converted_dir or model_dir.parent / f"{model_dir.name}-ctranslate2-int8-{alignment.label()}"
        )
        return CTranslate2Translator(
            model_dir,
            converted,
            beam_size=beam_size,
            batch_tokens=batch_tokens,
            target_prefix=target_prefix,
            alignment=alignment,
        )
    if backend in ("transformers", "transformers-int8"):
        from workbench.engines.marian import MarianTranslator

        return MarianTranslator(
            model_dir,
            beam_size=beam_size,
            batch_tokens=batch_tokens,
            quantize=backend == "transformers-int8",
            target_prefix=target_prefix,
            alignment=alignment,
        )
    raise ValueError(f"unknown backend '{backend}'")
