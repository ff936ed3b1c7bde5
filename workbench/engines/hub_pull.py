"""Pulling a model from the Hugging Face hub: which weights to take, and a download that can stop.

Weights, the first found wins:
1. safetensors (`model.safetensors`, or an index and its shards) on the requested revision;
2. a safetensors conversion published as a hub pull request (`refs/pr/N`) by the hub's
   conversion bot: the newest whose `pytorch_model.bin` is the revision's own (same SHA-256), so
   it converts these very weights. The bot opens such pull requests instead of committing to
   `main`, and the OPUS-MT repos carry no other safetensors. Anyone may open a pull request, so
   others' are not taken (transformers' own auto-conversion trusts the same bot only);
3. `pytorch_model.bin`, read with `torch.load(weights_only=True)` and converted here once
   (pickle_weights.py).
Configs and tokenizer files come from the requested revision. No TF/Flax/Rust weights, no code.

Every file is written under `models/.partial/<id>/`, first as `<file>.incomplete`, renamed when its
size and hash match the hub's listing; the directory becomes `models/<id>` only when all of it is
there. A dropped connection is retried while it makes progress, and a later run continues an
incomplete file where it stopped (an HTTP Range request).
"""

from __future__ import annotations

import fcntl
import fnmatch
import hashlib
import importlib
import json
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from workbench.engines import pickle_weights
from workbench.engines.model_files import (
    PROVENANCE_FILE,
    SUPPORT_PATTERNS,
    ModelError,
    check_model_dir,
    read_json,
)

PARTIAL_DIR = ".partial"
_MANIFEST = ".workbench-pull.json"
_PULL_REQUESTS_LOOKED_AT = 20
CONVERSION_BOT = "SFconvertbot"
_ATTEMPTS_WITHOUT_PROGRESS = 3
_SAFETENSORS = ("model.safetensors", "model.safetensors.index.json", "model-*-of-*.safetensors")
_PICKLED = ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*-of-*.bin")


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    sha256: str | None
    """LFS files: the SHA-256 of the content."""
    blob_id: str | None
    """Other files: the git blob id (SHA-1 of a 'blob' header and the content)."""


@dataclass(frozen=True)
class Snapshot:
    """A repo's files at one ref (a branch or refs/pr/N) and the commit it points to."""

    ref: str
    commit: str
    files: dict[str, RemoteFile]


@dataclass(frozen=True)
class Plan:
    """What one pull downloads: support files from the revision, weights from where they are."""

    name: str
    revision: Snapshot
    weights_from: Snapshot
    support: tuple[RemoteFile, ...]
    weights: tuple[RemoteFile, ...]
    pickled: bool

    def downloads(self) -> list[tuple[RemoteFile, str]]:
        """(file, commit) pairs, pinned to commits so a moving branch cannot mix two versions."""
        return [(f, self.revision.commit) for f in self.support] + [
            (f, self.weights_from.commit) for f in self.weights
        ]

    def size(self) -> int:
        return sum(f.size for f, _ in self.downloads())

    def origin(self) -> dict:
        return {
            "repo": self.name,
            "revision": self.revision.ref,
            "commit": self.revision.commit,
            "weights_ref": self.weights_from.ref,
            "weights_commit": self.weights_from.commit,
            "weights_files": [f.path for f in self.weights],
        }

    def describe(self) -> str:
        if self.pickled:
            return f"{self.weights[0].path} on {self.revision.ref}, converted to safetensors"
        return f"safetensors from {self.weights_from.ref}"


def pull(name: str, models_dir: Path, revision: str = "main") -> Path:
    """Download `name` into `models_dir/name` (see the module docstring); return its directory."""
    from huggingface_hub import HfApi, constants

    endpoint = constants.ENDPOINT
    target = models_dir / name
    with _hub_errors(name, endpoint, downloading=False):
        plan = make_plan(HfApi(endpoint=endpoint, library_name="workbench"), name, revision)
    if _up_to_date(target, plan):
        _say(f"{name}: up to date in {target} ({plan.describe()})")
        return target
    partial = models_dir / PARTIAL_DIR / name
    with _locked(partial):
        _prepare(partial, plan)
        _check_space(plan, partial)
        _say(f"{name}: {plan.size() / 1e6:.1f} MB from {endpoint} ({plan.describe()})")
        with _hub_errors(name, endpoint, downloading=True):
            for file, commit in plan.downloads():
                _download(endpoint, name, file, commit, partial)
        _finish(plan, partial)
        _move_into_place(partial, target)
    return check_model_dir(target)


def make_plan(api, name: str, revision: str) -> Plan:
    """Which files to fetch from which commit, or a ModelError when the repo has no usable weights."""
    requested = _snapshot(api, name, revision)
    support = tuple(f for path, f in requested.files.items() if _is_support(path))
    if weights := _matching(requested, _SAFETENSORS):
        return Plan(name, requested, requested, support, weights, pickled=False)
    if converted := _converted_in_pull_request(api, name, requested):
        return Plan(name, requested, converted, support, _matching(converted, _SAFETENSORS), pickled=False)
    if weights := _matching(requested, _PICKLED):
        return Plan(name, requested, requested, support, weights, pickled=True)
    found = ", ".join(sorted(requested.files)[:8]) or "no files"
    raise ModelError(
        f"'{name}' has no usable weights on {revision}: no safetensors, no safetensors pull request, "
        f"no pytorch_model.bin (it has {found})"
    )


def _snapshot(api, name: str, ref: str) -> Snapshot:
    info = api.model_info(name, revision=ref, files_metadata=True)
    files = {
        s.rfilename: RemoteFile(s.rfilename, s.size or 0, s.lfs.sha256 if s.lfs else None, s.blob_id)
        for s in info.siblings or []
    }
    return Snapshot(ref, info.sha, files)


def _is_support(path: str) -> bool:
    return "/" not in path and not path.endswith(".index.json") and _matches(path, SUPPORT_PATTERNS)


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


def _matching(snapshot: Snapshot, patterns: tuple[str, ...]) -> tuple[RemoteFile, ...]:
    """The single weights file, or the index with its shards; () when the snapshot has neither."""
    single, index, shards = patterns
    if single in snapshot.files:
        return (snapshot.files[single],)
    if index in snapshot.files:
        parts = [f for path, f in sorted(snapshot.files.items()) if fnmatch.fnmatch(path, shards)]
        return (snapshot.files[index], *parts)
    return ()


def _converted_in_pull_request(api, name: str, requested: Snapshot) -> Snapshot | None:
    """The bot's newest pull request that adds safetensors next to the revision's own pickle weights."""
    pickled = _fingerprint(_matching(requested, _PICKLED))
    if not pickled:
        return None  # nothing to tell a conversion of these weights from anything else
    by_bot = {
        d.num for d in api.get_repo_discussions(name, author=CONVERSION_BOT, discussion_type="pull_request")
    }
    refs = api.list_repo_refs(name, include_pull_requests=True).pull_requests or []
    candidates = [ref for ref in refs if _pr_number(ref.ref) in by_bot]
    newest_first = sorted(candidates, key=lambda ref: _pr_number(ref.ref), reverse=True)
    for ref in newest_first[:_PULL_REQUESTS_LOOKED_AT]:
        candidate = _snapshot(api, name, ref.ref)
        if _matching(candidate, _SAFETENSORS) and _fingerprint(_matching(candidate, _PICKLED)) == pickled:
            return candidate
    return None


def _fingerprint(files: tuple[RemoteFile, ...]) -> tuple:
    return tuple(sorted((f.path, f.sha256 or f.blob_id) for f in files))


def _pr_number(ref: str) -> int:
    tail = ref.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _up_to_date(target: Path, plan: Plan) -> bool:
    recorded = read_json(target / PROVENANCE_FILE)
    return (target / "config.json").is_file() and all(
        recorded.get(key) == value
        for key, value in plan.origin().items()
        if key in ("repo", "commit", "weights_commit")
    )


@contextmanager
def _locked(partial: Path) -> Iterator[None]:
    """One pull of a model at a time: a second waits, then finds the first one's work."""
    partial.parent.mkdir(parents=True, exist_ok=True)
    with (partial.parent / f".{partial.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _prepare(partial: Path, plan: Plan) -> None:
    """Keep an earlier run's files only when they belong to the same commits."""
    manifest = {"commit": plan.revision.commit, "weights_commit": plan.weights_from.commit}
    if partial.is_dir() and read_json(partial / _MANIFEST) != manifest:
        shutil.rmtree(partial)
    partial.mkdir(parents=True, exist_ok=True)
    (partial / _MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")


def _check_space(plan: Plan, partial: Path) -> None:
    """Refuse before downloading what the disk cannot hold (a pickle needs room for its copy)."""
    needed = 0
    for file, _ in plan.downloads():
        if not (partial / file.path).is_file():
            needed += file.size - _size(_incomplete(partial / file.path))
    if plan.pickled:
        needed += sum(f.size for f in plan.weights)
    free = shutil.disk_usage(partial).free
    if needed > free:
        raise ModelError(
            f"not enough disk space for '{plan.name}': {needed / 1e6:.1f} MB needed in "
            f"{partial.parent}, {free / 1e6:.1f} MB free"
        )


def _download(endpoint: str, name: str, file: RemoteFile, commit: str, partial: Path) -> None:
    """One file, continued from its .incomplete part if an earlier run left one, then verified."""
    from huggingface_hub import hf_hub_url

    final = partial / file.path
    if final.is_file():
        return
    incomplete = _incomplete(final)
    incomplete.parent.mkdir(parents=True, exist_ok=True)
    if _size(incomplete) > file.size:
        incomplete.unlink()
    incomplete.touch()
    _fetch(hf_hub_url(name, file.path, revision=commit, endpoint=endpoint), incomplete, file)
    if not _verified(incomplete, file):
        incomplete.unlink()
        raise ModelError(f"{name}/{file.path}: the download does not match the hub's checksum; pull it again")
    incomplete.rename(final)


def _fetch(url: str, incomplete: Path, file: RemoteFile) -> None:
    """Append the rest of `file` to `incomplete`, retrying a dropped connection while it progresses.

    Bytes are written as they arrive, so a broken connection or a killed process keeps
    what came; huggingface_hub's own downloader buffers 10 MiB and deletes a partial file.
    """
    from huggingface_hub.utils import build_hf_headers, tqdm

    headers = build_hf_headers(library_name="workbench")
    failures = 0
    with tqdm(total=file.size, initial=_size(incomplete), unit="B", unit_scale=True, desc=file.path) as bar:
        while _size(incomplete) < file.size:
            before = _size(incomplete)
            try:
                _stream(url, incomplete, headers, bar)
            except _transport_errors():
                failures = 0 if _size(incomplete) > before else failures + 1
                if failures >= _ATTEMPTS_WITHOUT_PROGRESS:
                    raise
                time.sleep(1)


def _stream(url: str, incomplete: Path, headers: dict, bar) -> None:
    """One GET from where `incomplete` ends (an HTTP Range request), through the CDN redirect."""
    from huggingface_hub import constants
    from huggingface_hub.utils import hf_raise_for_status, http_stream_backoff

    done = _size(incomplete)
    wanted = {**headers, "Range": f"bytes={done}-"} if done else headers
    timeout = constants.HF_HUB_DOWNLOAD_TIMEOUT
    # A broken body is retried by _fetch from where it stopped, not by the backoff from the start.
    with http_stream_backoff("GET", url, headers=wanted, timeout=timeout, retry_on_exceptions=()) as response:
        hf_raise_for_status(response)
        restart = done and response.status_code != 206  # the server ignored the Range
        if restart:
            bar.reset(total=bar.total)
        with incomplete.open("wb" if restart else "ab") as handle:
            for chunk in response.iter_bytes():  # as they arrive: a break loses nothing received
                handle.write(chunk)
                bar.update(len(chunk))


def _verified(path: Path, file: RemoteFile) -> bool:
    if file.sha256:
        return pickle_weights.sha256_of(path) == file.sha256
    if file.blob_id:
        digest = hashlib.sha1(f"blob {path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
        return digest.hexdigest() == file.blob_id
    return True


def _incomplete(path: Path) -> Path:
    return path.with_name(path.name + ".incomplete")


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def _finish(plan: Plan, partial: Path) -> None:
    """Convert pickle weights (refused ones leave nothing behind) and record the provenance."""
    origin = {**plan.origin(), "pulled_at": _now()}
    if not plan.pickled:
        pickle_weights.write_provenance(partial, {**origin, "weights": "safetensors"})
        return
    sources = [partial / f.path for f in plan.weights if f.path.endswith(".bin")]
    try:
        pickle_weights.convert_to_safetensors(
            sources, partial, origin, shown=f"{plan.name} ({plan.revision.ref}) "
        )
    except ModelError:
        shutil.rmtree(partial)
        raise
    for file in plan.weights:
        (partial / file.path).unlink()


def convert_cached(name: str, snapshot_dir: Path, models_dir: Path) -> Path:
    """A Hugging Face cache snapshot with only pickle weights, converted into `models_dir/name`.

    No network: the files transformers (or `hf download`) left in the cache are reused.
    """
    sources = [snapshot_dir / f.name for f in _local_pickles(snapshot_dir)]
    if not sources:
        raise ModelError(f"{snapshot_dir}: no pytorch_model.bin to convert")
    partial = models_dir / PARTIAL_DIR / name
    with _locked(partial):
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for path in snapshot_dir.iterdir():
            if _is_support(path.name):
                shutil.copyfile(path, partial / path.name)  # follows the cache's symlinks
        origin = {"repo": name, "revision": "Hugging Face cache", "commit": snapshot_dir.name}
        try:
            pickle_weights.convert_to_safetensors(sources, partial, {**origin, "pulled_at": _now()})
        except ModelError:
            shutil.rmtree(partial)
            raise
        _move_into_place(partial, models_dir / name)
    return check_model_dir(models_dir / name)


def _local_pickles(directory: Path) -> list[Path]:
    index = directory / "pytorch_model.bin.index.json"
    if index.is_file():
        return [directory / shard for shard in sorted(set(read_json(index).get("weight_map", {}).values()))]
    single = directory / "pytorch_model.bin"
    return [single] if single.is_file() else []


def _move_into_place(partial: Path, target: Path) -> None:
    """Swap the finished directory in; a model already there is replaced only after this point."""
    (partial / _MANIFEST).unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = partial.with_name(partial.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    partial.rename(target)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _hub_errors(name: str, endpoint: str, downloading: bool) -> Iterator[None]:
    """huggingface_hub's and the HTTP client's exceptions as one line naming the model."""
    try:
        yield
    except ModelError:
        raise
    except Exception as error:
        reason = _reason(error, name, endpoint, downloading)
        if reason is None:
            raise
        raise ModelError(f"cannot download '{name}' from the Hugging Face hub ({reason})") from None


def _reason(error: Exception, name: str, endpoint: str, downloading: bool) -> str | None:
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )
    from huggingface_hub.utils import OfflineModeIsEnabled

    if isinstance(error, GatedRepoError):
        return (
            f"a gated repository: accept its conditions at {endpoint}/{name} and log in with `hf auth login`"
        )
    if isinstance(error, RepositoryNotFoundError):
        return f"no such repository at {endpoint}: misspelled, or private (log in with `hf auth login`)"
    if isinstance(error, RevisionNotFoundError):
        return "no such revision"
    if isinstance(error, HfHubHTTPError):
        status = error.response.status_code if error.response is not None else "?"
        if status in (401, 403):
            return f"access denied, HTTP {status}: log in with `hf auth login` with a token that may read it"
        return f"HTTP {status}: {_first_line(error)}"
    if isinstance(error, OfflineModeIsEnabled):
        return "offline mode is on (HF_HUB_OFFLINE)"
    if isinstance(error, (*_transport_errors(), OSError)):
        if downloading:
            return f"the download broke off: {_first_line(error)}; run the command again to resume"
        return f"no connection to {endpoint}: {_first_line(error)}"
    return None


def _transport_errors() -> tuple[type[BaseException], ...]:
    """The HTTP client's network errors: httpx under huggingface_hub 1.x, httpx2 later."""
    found = []
    for module in ("httpx2", "httpx"):
        try:
            found.append(importlib.import_module(module).TransportError)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[0] if lines else type(error).__name__)[:160]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
