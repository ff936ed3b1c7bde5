"""Batch translation on a Ray cluster: the optional extra `workbench[cluster]`.

The driver (this process) decides what needs translating exactly as the single-machine path
does (cache, translation memory, human-owned segments) and sends only the missing source texts
to the cluster: a Ray Data `map_batches` over an actor pool, each actor loading the model once.
Results stream back and the driver commits them to the workspace cache batch by batch; the
ordinary per-article pass then assigns them (edits keep precedence) and writes the outputs. A
crash loses at most the batches in flight; a rerun sends only what is still missing.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.engines.registry import Step
from workbench.errors import UsageError, WorkbenchError
from workbench.records import Translation
from workbench.settings import Settings


class ClusterError(WorkbenchError):
    """Ray is missing or the cluster cannot be reached."""


@dataclass(frozen=True)
class ClusterOptions:
    address: str | None = None
    """A running cluster ("ray://head:10001" or "auto"); None starts a local Ray for the run."""
    workers: int = 2
    """Actors, each holding one copy of the model."""
    cpus_per_worker: int = 1
    gpus_per_worker: float = 0


class RayExecutor:
    """Translates lists of texts on a Ray actor pool; used by `Workbench.prefetch`."""

    def __init__(self, settings: Settings, options: ClusterOptions) -> None:
        try:
            import ray
            import ray.data
        except ImportError:
            raise ClusterError("--ray needs the cluster extra: pip install 'workbench[cluster]'") from None
        self.ray = ray
        self.settings = settings
        self.options = options
        self.sent = 0
        """Texts sent to the cluster so far (tests check that cached ones never are)."""
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)  # our progress and errors are our own
        self._started = not ray.is_initialized()
        if self._started:
            try:
                with warnings.catch_warnings():  # Ray's own advice on a timeout: the line below says it
                    warnings.simplefilter("ignore")
                    # A cluster of our own gets the CPUs the actors need; a running one has its own.
                    cpus = None if options.address else options.workers * options.cpus_per_worker
                    ray.init(
                        address=options.address,
                        num_cpus=cpus,
                        include_dashboard=False,
                        log_to_driver=False,
                        configure_logging=False,
                    )
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise ClusterError(f"cannot reach the Ray cluster at {options.address}: {error}") from None
        try:
            self._check_resources()
        except UsageError:
            self.shutdown()
            raise
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False

    def _check_resources(self) -> None:
        """Ray waits forever for an actor no node can hold (`--ray-gpus` where there is no GPU):
        say so at once instead."""
        total = self.ray.cluster_resources()
        where = "the Ray cluster" if self.options.address else "this machine"
        for flag, name, wanted in (
            ("--ray-gpus", "GPU", self.options.gpus_per_worker),
            ("--ray-cpus", "CPU", self.options.cpus_per_worker),
        ):
            if wanted and total.get(name, 0) < wanted:
                raise UsageError(
                    f"{flag} {wanted:g}: {where} has {total.get(name, 0):g} {name}s for Ray, so no "
                    f"actor could start; ask for less, or join a cluster that has them (--ray ADDRESS)"
                )

    def translate(self, step: Step, groups: list[list[str]]) -> Iterator[list[tuple[str, Translation]]]:
        """(text, translation) lists, one per group of texts, in the order the cluster finishes them.

        A group (one article's missing sentences) is translated as one call, so the engine
        batches it exactly as the single-machine path does and the results are the same.
        """
        groups = [group for group in groups if group]
        if not groups:
            return
        self.sent += sum(len(group) for group in groups)
        dataset = self.ray.data.from_items([{"texts": group} for group in groups])
        translated = dataset.map_batches(
            _TranslatorActor,
            fn_constructor_kwargs={
                "model_dir": str(step.path),
                "backend": self.settings.backend,
                "beam_size": self.settings.beam_size,
                "batch_tokens": self.settings.batch_tokens,
                "converted_dir": str(step.converted_dir),
                "target_prefix": step.prefix,
                "alignment": step.alignment,
                "threads": self.options.cpus_per_worker,
            },
            batch_size=1,
            compute=self.ray.data.ActorPoolStrategy(size=self.options.workers),
            num_cpus=self.options.cpus_per_worker,
            num_gpus=self.options.gpus_per_worker,
        )
        for batch in translated.iter_batches(batch_size=1, batch_format="pandas"):
            for texts, results in zip(batch["texts"], batch["results"], strict=True):
                yield [_from_json(text, result) for text, result in zip(texts, results, strict=True)]

    def shutdown(self) -> None:
        """Stop the local Ray this executor started; a cluster (or a caller's Ray) stays up."""
        if self._started and self.options.address is None:
            self.ray.shutdown()


class _TranslatorActor:
    """One per worker: loads the model once, then translates batch after batch."""

    def __init__(self, model_dir: str, threads: int, **translator_options) -> None:
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[variable] = str(threads)
        from workbench.engines.translator import load_translator

        converted = translator_options.pop("converted_dir")
        self.translator = load_translator(
            Path(model_dir), converted_dir=Path(converted), **translator_options
        )

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        texts = [[str(text) for text in group] for group in batch["texts"]]
        results = [[_to_json(r) for r in self.translator.translate(group)] for group in texts]
        return {"texts": texts, "results": results}


def _to_json(translation: Translation) -> str:
    return json.dumps(
        [translation.text, translation.alignment, translation.score, translation.tokens, translation.pieces]
    )


def _from_json(source: str, encoded: str) -> tuple[str, Translation]:
    text, alignment, score, tokens, pieces = json.loads(encoded)
    return str(source), Translation(
        text, tuple((int(s), int(t)) for s, t in alignment), score, tokens, pieces
    )
