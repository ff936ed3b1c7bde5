"""Adapting the workspace's model to its reviewers: the service side of `workbench adapt`.

The approved pairs of the translation memory are the in-domain data a news desk's model lacks
(house spellings of names, the beat's phrases). This part of the service picks the pairs, holds
out a share for validation, hands the training to engines/adaptation.py (torch stays there),
and writes the result into the model store so that an interrupted run leaves nothing a reader
could take for a model: training writes into a hidden temporary directory (`list_models` skips
it), and only a finished model with its metadata is renamed into `models/adapted/`. A run killed
outright leaves its temporary directory behind; the next run removes those whose process is gone
(engines/staging.py).

The adapted model is an ordinary model directory: `--model DIR`, `model = ...` in
workbench.toml, or `adapt --use` selects it, and the cache keys (which hold the model's content
hash) keep its translations apart from the base model's.
"""

from __future__ import annotations

import json
import math
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.engines.model_files import languages_of, read_json, readable_name
from workbench.engines.staging import publish, remove_stale_staging, staging_dir
from workbench.errors import WorkbenchError
from workbench.service.models import ModelRegistry, Session
from workbench.settings import TOML_NAME
from workbench.store.database import Store

if TYPE_CHECKING:
    from workbench.engines.adaptation import ProgressCallback

Pair = tuple[str, str]

MIN_PAIRS = 3
"""Fewer approved pairs teach nothing reliable and leave no pair to validate on."""
METADATA_FILE = "workbench-adaptation.json"
"""Beside an adapted model's weights: its base, data, settings and validation scores."""
ADAPTED_DIR = "adapted"
"""Under the models directory: one directory per adapted model."""
REPLAY_LIMIT = 5000
"""Replay pairs read at most (a seeded sample of a longer file); each epoch mixes in
`replay_ratio` replay pairs per training pair, the next ones each time (engines/adaptation.py)."""
STEP_BUDGET = 50
"""Default epochs aim at about this many optimizer steps, within MIN_EPOCHS..MAX_EPOCHS: 500
pairs get 2 epochs (58 steps of 16), which fits 5 minutes on two cores (docs/performance.md)."""
MIN_EPOCHS, MAX_EPOCHS = 2, 10
STAGING_PREFIX = "adapting"
"""`models/.adapting-<pid>-*`: where a run writes before its model is complete."""


class AdaptRefused(WorkbenchError):
    """Adaptation cannot start: too few pairs, or a replay file that cannot be read."""


@dataclass(frozen=True)
class AdaptOptions:
    include_imported: bool = False
    """Also train on pairs imported from TMX files (by default only reviewers' approvals)."""
    replay: Path | None = None
    """A generic source<TAB>target file mixed into training, against forgetting."""
    replay_ratio: float = 3.0
    """Replay pairs per training pair in each epoch (at most the whole replay file)."""
    learning_rate: float = 5e-5
    epochs: int | None = None
    """None: scaled to the number of pairs (see default_epochs)."""
    batch_size: int = 16
    patience: int = 2
    validation_share: float = 0.1
    seed: int = 0
    threads: int | None = None
    train_embeddings: bool = False
    """Also train the shared token embedding (see AdaptConfig); off by default, for speed."""
    use: bool = False
    """Switch the workspace to the adapted model (workbench.toml) once it is written."""


@dataclass(frozen=True)
class AdaptedModel:
    path: Path
    metadata: dict

    def line(self) -> str:
        scores = self.metadata["validation"]
        return (
            f"adapted model: {self.path} (chrF {scores['chrf_before']:.1f} -> "
            f"{scores['chrf_after']:.1f} on {self.metadata['pairs']['held_out']} held-out pairs)"
        )


def default_epochs(training_pairs: int, batch_size: int) -> int:
    """Few steps, scaled to the data: about STEP_BUDGET steps, 2 to 10 passes."""
    per_epoch = math.ceil(training_pairs / batch_size)
    return max(MIN_EPOCHS, min(MAX_EPOCHS, math.ceil(STEP_BUDGET / per_epoch)))


def split_pairs(pairs: list[Pair], share: float, seed: int) -> tuple[list[Pair], list[Pair]]:
    """(training, validation): a seeded share held out, at least one pair."""
    shuffled = list(pairs)
    random.Random(seed).shuffle(shuffled)
    held_out = max(1, round(share * len(shuffled)))
    return shuffled[held_out:], shuffled[:held_out]


def read_replay(path: Path, seed: int) -> list[Pair]:
    """A generic parallel file (source<TAB>target per line); a seeded sample when it is long."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise AdaptRefused(f"{path}: cannot read the replay file ({error.__class__.__name__})") from None
    pairs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(part.strip() for part in parts):
            raise AdaptRefused(f"{path}:{number}: expected 'source<TAB>target'")
        pairs.append((parts[0].strip(), parts[1].strip()))
    if len(pairs) > REPLAY_LIMIT:
        pairs = random.Random(seed).sample(pairs, REPLAY_LIMIT)
    return pairs


def adaptation_of(model_dir: Path) -> dict:
    """An adapted model's metadata, or {} for any other model."""
    return read_json(model_dir / METADATA_FILE)


def set_workspace_model(workspace_dir: Path, model: str) -> Path:
    """Write `model = ...` into the workspace's workbench.toml, keeping the rest of the file."""
    import tomlkit

    path = workspace_dir / TOML_NAME
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    if "model" in document:
        document["model"] = model
    else:  # top-level keys go before the first table
        document.body.insert(0, (tomlkit.key("model"), tomlkit.item(model)))
    workspace_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
    temporary.replace(path)
    return path


class Adaptation:
    """Fine-tuning the workspace's model on its memory, and switching the workspace to the result."""

    def __init__(self, session: Session, store: Store, registry: ModelRegistry) -> None:
        self.session = session
        self.store = store
        self.registry = registry

    def adaptation_pairs(self, include_imported: bool = False) -> list[Pair]:
        """The memory's approved pairs (and imported ones), the latest target for each source;
        only those of the model's language pair when it is known (a mixed workspace's fr-en
        approvals must not train its de-en model)."""
        rows = self.store.memory_entries("" if include_imported else "approved", self.adaptation_languages())
        return list({source: target for source, target, *_ in rows}.items())

    def adaptation_languages(self) -> tuple[str, str] | None:
        """The configured model's (source, target), or None when neither its tokenizer nor its
        name tells."""
        source, target = languages_of(self.session.settings.model)
        return (source, target) if source and target else None

    def adapt(self, options: AdaptOptions, on_progress: ProgressCallback | None = None) -> AdaptedModel:
        """Fine-tune the configured model on the memory; write it into models/adapted/."""
        pairs = self.adaptation_pairs(options.include_imported)
        if len(pairs) < MIN_PAIRS:
            what = "approved or imported" if options.include_imported else "approved"
            if languages := self.adaptation_languages():
                what += " {}-{}".format(*languages)
            raise AdaptRefused(
                f"only {len(pairs)} {what} pairs in the translation memory of {self.session.workspace.path}; "
                f"adapting needs at least {MIN_PAIRS}"
            )
        replay = read_replay(options.replay, options.seed) if options.replay else []
        base = self.registry.model()
        train, validation = split_pairs(pairs, options.validation_share, options.seed)
        per_epoch = len(train) + min(len(replay), math.ceil(options.replay_ratio * len(train)))
        config = self._adapt_config(options, per_epoch)
        from workbench.engines.adaptation import adapt_model

        store = self.session.workspace.models_dir
        remove_stale_staging(store, STAGING_PREFIX)
        temporary = staging_dir(store, STAGING_PREFIX)
        try:
            started = datetime.now(UTC)
            stats = adapt_model(base.path, train, validation, temporary, config, on_progress, replay)
            base_hash = self.registry.model_hash(base.path)
            metadata = _metadata(
                base, base_hash, (pairs, train, validation, replay), options, config, stats, started,
                self.adaptation_languages(),
            )  # fmt: skip
            (temporary / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
            final = _free_name(store / ADAPTED_DIR / f"{readable_name(base.name)}-{started:%Y%m%d-%H%M%S}")
            publish(temporary, final)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        if options.use:
            self.use_model(final)
        return AdaptedModel(final, metadata)

    def _adapt_config(self, options: AdaptOptions, pairs_per_epoch: int):
        from workbench.engines.adaptation import AdaptConfig

        epochs = options.epochs or default_epochs(pairs_per_epoch, options.batch_size)
        return AdaptConfig(
            options.learning_rate,
            epochs,
            options.batch_size,
            options.patience,
            options.seed,
            options.threads,
            options.replay_ratio,
            options.train_embeddings,
        )

    def use_model(self, model_dir: Path) -> Path:
        """Make `model_dir` the workspace's model, in workbench.toml and in this session."""
        written = set_workspace_model(self.session.workspace.path, str(model_dir.absolute()))
        self.switch_model(str(model_dir.absolute()))
        return written

    def switch_model(self, model: str) -> None:
        """This session translates with `model` from now on (loaded on the next cache miss)."""
        self.session.switch_model(model)

    def model_is_adapted(self) -> bool:
        """Whether the configured model is one `adapt` wrote (its directory has the metadata)."""
        return (Path(self.session.settings.model).expanduser() / METADATA_FILE).is_file()


def _free_name(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`... when an adaptation in the same second took it."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def _metadata(
    base, base_hash: str, data: tuple, options: AdaptOptions, config, stats, started, languages
) -> dict:
    """What `models list` shows and what a reader needs to judge or reproduce the adaptation;
    `data` is (memory pairs, training pairs, held-out pairs, replay pairs), `languages` the
    pair the memory was filtered by (None: the model's pair is unknown, every pair was used)."""
    pairs, train, validation, replay = data
    return {
        "base_model": base.name,
        "base_path": str(base.path),
        "base_sha256": base_hash,
        "created": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "languages": list(languages) if languages else None,
        "pairs": {
            "memory": len(pairs),
            "training": len(train),
            "held_out": len(validation),
            "replay": len(replay),
            "replay_ratio": options.replay_ratio,
            "include_imported": options.include_imported,
            "replay_file": str(options.replay) if options.replay else None,
            "held_out_sources": [source for source, _ in validation],
        },
        "training": {
            "learning_rate": config.learning_rate,
            "max_epochs": config.epochs,
            "epochs_run": stats.epochs_run,
            "best_epoch": stats.best_epoch,
            "steps": stats.steps,
            "batch_size": config.batch_size,
            "patience": config.patience,
            "train_embeddings": config.train_embeddings,
            "seed": config.seed,
            "device": stats.device,
        },
        "validation": {
            "decoding": "greedy",
            "chrf_before": round(stats.before.chrf, 2),
            "chrf_after": round(stats.after.chrf, 2),
            "bleu_before": round(stats.before.bleu, 2),
            "bleu_after": round(stats.after.bleu, 2),
            "loss_before": round(stats.before.loss, 4),
            "loss_after": round(stats.after.loss, 4),
        },
    }
