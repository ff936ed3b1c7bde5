"""Finding, fetching, listing and fingerprinting model directories, without importing torch.

Resolution order: a local path -> `models/<name>` -> the Hugging Face cache -> a download
(unless offline) -> a one-line error naming the model and the command that fetches it.
Only safetensors weights are loaded: pickle checkpoints can run code when loaded. A pull (or a
cached snapshot) with only `pytorch_model.bin` is converted once, tensors only (hub_pull.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

WEIGHT_PATTERNS = ("*.safetensors",)
PICKLE_PATTERNS = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl")
# What a pull fetches besides the weights: configs, SentencePiece models, vocabularies.
SUPPORT_PATTERNS = ("*.json", "*.spm", "*.model", "vocab*", "*.txt")
PULL_PATTERNS = [*SUPPORT_PATTERNS, "*.safetensors"]
PROVENANCE_FILE = "workbench-provenance.json"
"""Where a pulled model's weights came from; not part of the model's content hash (it holds a date)."""
_OPUS_PAIR = re.compile(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})\b")


class ModelError(WorkbenchError, RuntimeError):
    """A model cannot be found or used; the message is one line and says what to do."""


@dataclass(frozen=True)
class LocalModel:
    name: str
    path: Path
    size_bytes: int


CONVERTED_DIR = "ctranslate2"
"""Under the models directory: the CTranslate2 int8 conversions, one per model content hash."""


def fetch_hint(name: str) -> str:
    return f"workbench models pull {name}"


def resolve_model(name: str, models_dir: Path, offline: bool = False) -> Path:
    """Directory of model `name`, downloading it when allowed and needed."""
    as_path = Path(name).expanduser()
    if as_path.is_dir():
        return check_model_dir(as_path)
    if _looks_like_path(name):
        raise ModelError(f"model directory {name} does not exist")
    local = models_dir / name
    if (local / "config.json").is_file():
        return check_model_dir(local)
    cached = _from_hf_cache(name)
    if cached is not None:
        return _use_cached(name, cached, models_dir)
    if offline:
        raise ModelError(f"model '{name}' is not available offline; fetch it with: {fetch_hint(name)}")
    try:
        return pull_model(name, models_dir)
    except ModelError as error:
        raise ModelError(f"{error}; fetch it with: {fetch_hint(name)}") from None


def check_model_dir(path: Path) -> Path:
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: not a model directory (no config.json)")
    if not _has_any(path, WEIGHT_PATTERNS):
        pickled = _has_any(path, PICKLE_PATTERNS)
        what = "only pickle weights, which are refused" if pickled else "no weights"
        raise ModelError(f"{path}: {what}; the workbench loads safetensors only")
    return path


def check_model_type(path: Path, accepted: tuple[str, ...], purpose: str) -> Path:
    """Refuse a model directory of another kind with a line that says what it is."""
    found = read_json(path / "config.json").get("model_type", "unknown")
    if found not in accepted:
        raise ModelError(f"{path}: a '{found}' model, not a {purpose} model ({' or '.join(accepted)})")
    return path


def _has_any(path: Path, patterns: tuple[str, ...]) -> bool:
    return any(next(path.glob(pattern), None) is not None for pattern in patterns)


def pull_model(name: str, models_dir: Path) -> Path:
    """Download `name` from the Hugging Face hub into `models_dir/name` (see hub_pull.py)."""
    from workbench.engines.hub_pull import pull

    return pull(name, models_dir)


def _use_cached(name: str, snapshot: Path, models_dir: Path) -> Path:
    """A cached snapshot as it is when it has safetensors; pickle weights converted into the store."""
    if _has_any(snapshot, WEIGHT_PATTERNS) or not _has_any(snapshot, ("pytorch_model*.bin",)):
        return check_model_dir(snapshot)
    from workbench.engines.hub_pull import convert_cached

    return convert_cached(name, snapshot, models_dir)


def _from_hf_cache(name: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover
        return None
    try:
        return Path(snapshot_download(repo_id=name, local_files_only=True, allow_patterns=PULL_PATTERNS))
    except Exception:  # noqa: BLE001 - any failure means "not in the cache"
        return None


def list_models(models_dir: Path) -> list[LocalModel]:
    """Model directories under `models_dir` (any depth), with their sizes on disk; the
    CTranslate2 copies the workbench converts into `models_dir/ctranslate2/` are a cache of
    those models, not models of their own, and are left out."""
    if not models_dir.is_dir():
        return []
    found = []
    for config in sorted(models_dir.rglob("config.json")):
        directory = config.parent
        if any(part.startswith(".") for part in directory.relative_to(models_dir).parts):
            continue  # an unfinished pull (.partial/)
        if directory.relative_to(models_dir).parts[0] == CONVERTED_DIR:
            continue
        size = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
        found.append(LocalModel(str(directory.relative_to(models_dir)), directory, size))
    return found


def weights_source(path: Path) -> str:
    """Where a store model's weights came from, as `models list` shows it."""
    record = read_json(path / PROVENANCE_FILE)
    if not record:
        return "local files"
    commit = str(record.get("commit", ""))[:8]
    if record.get("weights") == "converted":
        sources = ", ".join(source["file"] for source in record.get("converted_from", []))
        return f"{sources} of {record.get('revision')}@{commit}, converted"
    weights_ref = record.get("weights_ref", record.get("revision"))
    if weights_ref != record.get("revision"):
        return f"safetensors of {weights_ref}@{str(record.get('weights_commit', ''))[:8]}"
    return f"safetensors of {weights_ref}@{commit}"


def model_languages(path: Path, name: str) -> tuple[str | None, str | None]:
    """(source, target) language codes from the tokenizer config or an opus-mt name."""
    tokenizer_config = path / "tokenizer_config.json"
    if tokenizer_config.is_file():
        data = json.loads(tokenizer_config.read_text(encoding="utf-8"))
        if data.get("source_lang") and data.get("target_lang"):
            return data["source_lang"], data["target_lang"]
    if match := _OPUS_PAIR.search(name) or _OPUS_PAIR.search(path.name):
        return match.group(1), match.group(2)
    return None, None


def readable_name(name: str) -> str:
    """A model as a person reads it: a hub id as it is, a local directory by its name."""
    return Path(name).name if Path(name).expanduser().is_dir() else name


def languages_of(name: str) -> tuple[str | None, str | None]:
    """The pair a model id or local directory translates, known without resolving or fetching it."""
    return model_languages(Path(name).expanduser(), name)


def read_json(path: Path) -> dict:
    """A model's JSON config file, or {} when it has none."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def num_beams(path: Path) -> int:
    """The beam size the model's own generation config asks for (1 when it says nothing)."""
    return int(read_json(path / "generation_config.json").get("num_beams") or 1)


def _model_files(path: Path) -> list[Path]:
    return sorted(
        f for f in path.rglob("*") if f.is_file() and not f.name.startswith(".") and f.name != PROVENANCE_FILE
    )


def stat_signature(path: Path) -> str:
    """Cheap fingerprint (names, sizes, mtimes) used to memoise the content hash."""
    digest = hashlib.sha256()
    for file in _model_files(path):
        stat = file.stat()
        digest.update(f"{file.relative_to(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def content_hash(path: Path) -> str:
    """SHA-256 over every file's name and bytes: a changed model never serves stale output."""
    digest = hashlib.sha256()
    for file in _model_files(path):
        digest.update(f"{file.relative_to(path)}\0".encode())
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name
