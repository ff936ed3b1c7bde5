"""Converting a transformers model for CTranslate2: the one step of that backend that needs torch.

`ctranslate2.converters` imports transformers and torch (seconds, a hundred megabytes), so this
module is imported only when a model has no converted copy yet (see
`ctranslate2_marian.ensure_converted`); translating with a converted copy never loads it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ctranslate2.converters import TransformersConverter
from transformers.utils import logging as transformers_logging

from workbench.engines.marian import alignment_layer
from workbench.engines.model_files import ModelError, read_json


class _AligningConverter(TransformersConverter):
    """The stock converter, with the alignment layer and heads the workbench uses."""

    def __init__(self, model_dir: Path, layer: int, heads: int) -> None:
        super().__init__(str(model_dir))
        self.layer, self.heads = layer, heads

    def _load(self):
        spec = super()._load()
        spec.decoder.alignment_layer = spec.decoder.alignment_layer.dtype.type(self.layer)
        spec.decoder.alignment_heads = spec.decoder.alignment_heads.dtype.type(self.heads)
        return spec


def convert_model(model_dir: Path, target: Path, quantization: str = "int8", aligning: bool = True) -> Path:
    """Convert a transformers model for CTranslate2 into `target` (atomically).

    `aligning` sets the translation alignment layer and heads (see `_AligningConverter`); a
    summarization model is converted as it is.
    """
    if (target / "model.bin").is_file():
        return target
    config = read_json(model_dir / "config.json")
    layer = alignment_layer(int(config.get("decoder_layers", 6)))
    heads = int(config.get("decoder_attention_heads", 8))
    converter = (
        _AligningConverter(model_dir, layer, heads) if aligning else TransformersConverter(str(model_dir))
    )
    transformers_logging.disable_progress_bar()  # a TUI and a batch log have their own progress
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        converter.convert(str(staging), quantization=quantization, force=True)
        os.replace(staging, target)
    except Exception as error:  # noqa: BLE001 - the converter raises anything; the user gets one line
        shutil.rmtree(staging, ignore_errors=True)
        if (target / "model.bin").is_file():  # another process converted it meanwhile
            return target
        raise ModelError(
            f"{model_dir}: cannot convert for CTranslate2 ({str(error).splitlines()[0]})"
        ) from None
    return target
