"""Turning a `pytorch_model.bin` into `model.safetensors` without running what the pickle asks for.

Many hub repos (the OPUS-MT models among them) carry only pickle checkpoints. They are read with
`torch.load(weights_only=True)`, whose unpickler builds tensors and plain containers and refuses
every other global, so a checkpoint cannot run code; anything but a mapping of names to tensors is
refused with one line. The result is written once as safetensors with its provenance beside it.
torch is imported inside the functions: model_files (and the faces) import this module torch-free.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from workbench.engines.model_files import PROVENANCE_FILE, ModelError

SAFETENSORS_FILE = "model.safetensors"


def convert_to_safetensors(sources: list[Path], out_dir: Path, origin: dict, shown: str = "") -> Path:
    """Write `out_dir/model.safetensors` from the pickle shards `sources`; record where it came from.

    `origin` (repo, revision, commit, date...) goes into the provenance file with each source's
    name and SHA-256, so `models list` can say what was converted and from what. `shown` names
    the sources in a refusal (the repo rather than a temporary directory).
    """
    from safetensors.torch import save_file

    state: dict = {}
    for source in sources:
        state.update(_load_tensors(source, f"{shown or f'{source.parent}/'}{source.name}"))
    target = out_dir / SAFETENSORS_FILE
    save_file(_without_shared_storage(state), str(target), metadata={"format": "pt"})
    record = {
        **origin,
        "weights": "converted",
        "converted_from": [{"file": s.name, "sha256": sha256_of(s)} for s in sources],
    }
    write_provenance(out_dir, record)
    return target


def _load_tensors(source: Path, shown: str) -> dict:
    """The checkpoint's name -> tensor mapping; a ModelError for anything else (never executed)."""
    import torch

    try:
        loaded = torch.load(source, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - UnpicklingError, RuntimeError, EOFError...: all one refusal
        raise ModelError(
            f"{shown}: refused: not a plain tensor checkpoint, loading it could run code ({_why(error)})"
        ) from None
    if not isinstance(loaded, dict) or not all(
        isinstance(key, str) and isinstance(value, torch.Tensor) for key, value in loaded.items()
    ):
        raise ModelError(
            f"{shown}: refused: holds a {type(loaded).__name__}, not a mapping of names to tensors"
        )
    return loaded


def _without_shared_storage(state: dict) -> dict:
    """Tensors safetensors can store: one name per tied tensor, clones for other overlaps.

    Old checkpoints list tied weights (shared embeddings, lm_head) under every name, all views of
    one storage. The first name a state dict gives a storage is its owning module (the shared
    embedding comes before the encoder, decoder and lm_head that reuse it), and that is the name
    transformers ties the others to when it loads; the repeats are dropped. A tensor that only
    overlaps another (a slice) is cloned, since dropping it would lose data.
    """
    kept: dict = {}
    owners: dict[int, object] = {}
    for name, tensor in state.items():
        if tensor.numel() == 0:
            kept[name] = tensor.contiguous()
            continue
        pointer = tensor.untyped_storage().data_ptr()
        owner = owners.get(pointer)
        if owner is None:
            owners[pointer] = tensor
            kept[name] = tensor.contiguous()
        elif not _same_view(owner, tensor):
            kept[name] = tensor.clone().contiguous()
    return kept


def _same_view(first, second) -> bool:
    return (
        first.data_ptr() == second.data_ptr()
        and first.shape == second.shape
        and first.stride() == second.stride()
        and first.dtype == second.dtype
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_provenance(model_dir: Path, record: dict) -> None:
    (model_dir / PROVENANCE_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _why(error: BaseException) -> str:
    """The informative line of torch's long refusal ("... unsupported GLOBAL posix.mkdir ...")."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    for line in lines:
        if "unsupported" in line.lower():
            return line[:160]
    return (lines[0] if lines else type(error).__name__)[:160]
