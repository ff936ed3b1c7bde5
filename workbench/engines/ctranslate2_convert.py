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

from workbench.engines.model_files import ModelError
from workbench.records import AlignmentSource


class _AligningConverter(TransformersConverter):
    """The stock converter, reading alignment from the layer and first heads the workbench reads."""

    def __init__(self, model_dir: Path, layer: int, heads: int) -> None:
        super().__init__(str(model_dir))
        self.layer, self.heads = layer, heads

    def _load(self):
        spec = super()._load()
        spec.decoder.alignment_layer = spec.decoder.alignment_layer.dtype.type(self.layer)
        spec.decoder.alignment_heads = spec.decoder.alignment_heads.dtype.type(self.heads)
        return spec


def convert_model(
    model_dir: Path, target: Path, quantization: str = "int8", alignment: AlignmentSource | None = None
) -> Path:
    """Convert a transformers model for CTranslate2 into `target` (atomically).

    A translation model gets its `alignment` source built in (CTranslate2 returns the mean of the
    first N heads of one layer); a summarization model (None) is converted as it is.
    """
    if (target / "model.bin").is_file():
        return target
    converter = TransformersConverter(str(model_dir))
    if alignment is not None:
        heads = alignment.leading_heads()
        if heads is None:
            raise ModelError(
                f"{model_dir}: CTranslate2 reads alignment from the first N heads of a layer, not heads "
                f"{list(alignment.heads)}; use --backend transformers or heads = [0, ..., N-1]"
            )
        converter = _AligningConverter(model_dir, alignment.layer, heads)
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
