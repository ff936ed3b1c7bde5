"""Fine-tuning a Marian model on reviewer-approved pairs (`workbench adapt`); torch lives here.

The loop is deliberately plain: AdamW at a small learning rate, a few epochs over shuffled
batches, the validation loss after each epoch, and the weights of the best epoch kept (early
stopping), so a run that starts to overfit a handful of pairs hands back its best state, not its
last. Validation chrF/BLEU are measured with greedy decoding before and after, which is cheap
and enough to tell whether the model moved towards the reviewers' texts.

Where the CPU time goes, and what keeps it down (docs/performance.md): opus-mt's shared
58,101 x 512 embedding is also its output projection, so the projection onto the vocabulary is
the largest matrix product per target token. It is frozen by default (no weight gradient, no
AdamW state: a third of the model's parameters), the projection is computed only for real
target tokens (not padding), batches are made of sentences of similar length, and validation
decoding stops at a length bounded by the source's.

Every source of randomness is seeded and the thread count can be fixed, so the same pairs, seed
and threads give the same weights (the tests rely on it).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from sacrebleu.metrics import BLEU, CHRF
from transformers import MarianMTModel
from transformers.models.marian.modeling_marian import shift_tokens_right

from workbench.engines.model_files import ModelError, check_model_dir
from workbench.engines.pipeline import load_tokenizer
from workbench.errors import WorkbenchError

Pair = tuple[str, str]
MAX_NEW_TOKENS = 256
"""Validation decoding stops at twice the source's tokens plus 10, and never beyond this: a
model that has not learnt to stop would otherwise decode this many tokens per sentence."""


class AdaptationError(WorkbenchError, RuntimeError):
    """Fine-tuning cannot run or did not finish; one line, and the workspace keeps its model."""


@dataclass(frozen=True)
class AdaptConfig:
    learning_rate: float = 5e-5
    epochs: int = 3
    """At most this many passes over the training pairs; early stopping may end sooner."""
    batch_size: int = 16
    patience: int = 2
    """Epochs without a better validation loss before training stops."""
    seed: int = 0
    threads: int | None = None
    """torch's CPU threads during the run (None: torch's default); fixed for reproducible weights."""
    replay_ratio: float = 3.0
    """Replay pairs per training pair in each epoch: a fresh seeded sample every epoch, so the
    reviewers' pairs are not drowned by a long generic file, which is still cycled through."""
    train_embeddings: bool = False
    """Also train the shared token embedding (= the output projection). Off by default: it is a
    third of opus-mt's parameters and of its AdamW state, its gradient is the costliest, and a
    house spelling or phrase is learnt by the layers above it from the existing subwords."""


@dataclass(frozen=True)
class TrainingProgress:
    epoch: int
    epochs: int
    step: int
    total_steps: int
    loss: float
    """Mean training loss of the current epoch so far."""
    validation_loss: float | None = None
    """Set once per epoch, after its last step."""
    epoch_seconds: float | None = None
    """Set with the validation loss: the epoch's training time, validation excluded."""


@dataclass(frozen=True)
class Scores:
    chrf: float
    bleu: float
    loss: float


@dataclass(frozen=True)
class AdaptStats:
    before: Scores
    after: Scores
    steps: int
    epochs_run: int
    best_epoch: int
    """0 when no epoch beat the base model on validation loss (the base weights were kept)."""
    device: str


ProgressCallback = Callable[[TrainingProgress], None]


def adapt_model(
    base_dir: Path,
    train: Sequence[Pair],
    validation: Sequence[Pair],
    out_dir: Path,
    config: AdaptConfig,
    on_progress: ProgressCallback | None = None,
    replay: Sequence[Pair] = (),
) -> AdaptStats:
    """Fine-tune the model in `base_dir` on `train` (with `replay` mixed in against forgetting),
    write the best weights to `out_dir`."""
    with _reproducible(config.seed, config.threads):
        tokenizer, model = _load(base_dir)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            model.to(device)
            before = evaluate(model, tokenizer, validation, config.batch_size)
            best_epoch, epochs_run, steps, after = _train(
                model, tokenizer, _Epochs(train, replay, config), validation, config, before, on_progress
            )
        except (torch.OutOfMemoryError, MemoryError, RuntimeError) as error:
            if not _out_of_memory(error):
                raise
            raise AdaptationError(
                f"out of memory while fine-tuning {base_dir} on {device} (batch size "
                f"{config.batch_size}); try a smaller --batch-size"
            ) from None
        model.to("cpu")
        model.save_pretrained(out_dir)
        tokenizer.save_pretrained(out_dir)
    return AdaptStats(before, after, steps, epochs_run, best_epoch, device)


def _out_of_memory(error: BaseException) -> bool:
    """CUDA's OutOfMemoryError, Python's MemoryError, or the CPU allocator's RuntimeError."""
    text = str(error).lower()
    return not isinstance(error, RuntimeError) or "out of memory" in text or "can't allocate" in text


def _load(base_dir: Path):
    """Tokenizer and model, refused in one line when they cannot be trained together."""
    check_model_dir(base_dir)
    tokenizer = load_tokenizer(base_dir)
    try:
        model = MarianMTModel.from_pretrained(base_dir, use_safetensors=True)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"{base_dir}: cannot load a Marian model ({str(error).splitlines()[0]})") from None
    embedding = model.get_input_embeddings()
    embeddings = embedding.num_embeddings if isinstance(embedding, torch.nn.Embedding) else 0
    if len(tokenizer) > embeddings or tokenizer.pad_token_id != model.config.pad_token_id:
        raise AdaptationError(
            f"{base_dir}: the tokenizer ({len(tokenizer)} tokens, pad {tokenizer.pad_token_id}) does not "
            f"match the model ({embeddings} embeddings, pad {model.config.pad_token_id})"
        )
    return tokenizer, model


class _Epochs:
    """Each epoch's batches: every training pair, and the next share of the replay pairs, in
    batches of sentences of similar length (less padding), the batches in a seeded random order."""

    def __init__(self, train: Sequence[Pair], replay: Sequence[Pair], config: AdaptConfig) -> None:
        self.random = random.Random(config.seed)
        self.batch_size = config.batch_size
        self.train = list(train)
        self.replay = self.random.sample(list(replay), len(replay))
        self.replay_size = min(len(replay), math.ceil(config.replay_ratio * len(train)))
        self.replay_start = 0

    def __len__(self) -> int:
        return len(self.train) + self.replay_size

    def steps(self) -> int:
        return math.ceil(len(self) / self.batch_size)

    def next(self) -> list[Sequence[Pair]]:
        taken = [self.replay[(self.replay_start + i) % len(self.replay)] for i in range(self.replay_size)]
        self.replay_start += self.replay_size
        pairs = self.train + taken
        self.random.shuffle(pairs)  # ties in length stay in random order: the sort is stable
        pairs.sort(key=lambda pair: len(pair[0]) + len(pair[1]))
        batches = list(_batches(pairs, self.batch_size))
        self.random.shuffle(batches)
        return batches


def _train(model, tokenizer, epochs: _Epochs, validation, config, before: Scores, on_progress):
    """Epochs of AdamW with early stopping; the model ends with its best epoch's weights.

    Returns (best epoch, epochs run, optimizer steps, scores after).
    """
    optimizer = torch.optim.AdamW(_trainable(model, config.train_embeddings), lr=config.learning_rate)
    total = epochs.steps() * config.epochs
    best_loss, best_epoch, best_state = before.loss, 0, _snapshot(model)
    steps, epoch = 0, 0
    for epoch in range(1, config.epochs + 1):
        model.train()
        losses = []
        started = time.perf_counter()
        for batch in epochs.next():
            loss = _loss(model, tokenizer, batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
            losses.append(loss.item())
            if on_progress:
                on_progress(TrainingProgress(epoch, config.epochs, steps, total, sum(losses) / len(losses)))
        seconds = time.perf_counter() - started
        validation_loss = validation_loss_of(model, tokenizer, validation, config.batch_size)
        if on_progress:
            mean = sum(losses) / len(losses)
            on_progress(TrainingProgress(epoch, config.epochs, steps, total, mean, validation_loss, seconds))
        if validation_loss < best_loss:
            best_loss, best_epoch, best_state = validation_loss, epoch, _snapshot(model)
        elif epoch - best_epoch >= config.patience:
            break
    _restore(model, best_state)
    return best_epoch, epoch, steps, evaluate(model, tokenizer, validation, config.batch_size)


def _trainable(model, train_embeddings: bool) -> list[torch.nn.Parameter]:
    """The parameters AdamW updates: all, or all but the token embeddings and the projection
    tied to them (frozen in place, so the saved model still ties them)."""
    if not train_embeddings:
        embeddings = (model.get_encoder().embed_tokens, model.get_decoder().embed_tokens)
        for module in (*embeddings, model.get_output_embeddings()):
            module.weight.requires_grad_(False)
    return [parameter for parameter in model.parameters() if parameter.requires_grad]


def _snapshot(model) -> dict[str, torch.Tensor]:
    """A copy of the trained parameters (the frozen ones cannot change): the best epoch's state."""
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


@torch.no_grad()
def _restore(model, state: dict[str, torch.Tensor]) -> None:
    for name, parameter in model.named_parameters():
        if name in state:
            parameter.copy_(state[name])


def _loss(model, tokenizer, batch: Sequence[Pair]) -> torch.Tensor:
    """Mean token cross-entropy of the targets given the sources, as MarianMTModel computes it,
    except that the projection onto the vocabulary is made for the real target tokens only: on
    padding it would be the costliest wasted work of the step."""
    encoded = tokenizer(
        [s for s, _ in batch], text_target=[t for _, t in batch], return_tensors="pt", padding=True,
        truncation=True,
    ).to(model.device)  # fmt: skip
    labels = encoded.pop("labels")
    start = model.config.decoder_start_token_id
    decoder_input_ids = shift_tokens_right(labels, tokenizer.pad_token_id, start)
    hidden = model.model(**encoded, decoder_input_ids=decoder_input_ids).last_hidden_state
    real = labels != tokenizer.pad_token_id
    logits = model.lm_head(hidden[real]) + model.final_logits_bias
    return F.cross_entropy(logits, labels[real])


@torch.inference_mode()
def validation_loss_of(model, tokenizer, pairs: Sequence[Pair], batch_size: int) -> float:
    """Mean per-batch loss over the held-out pairs, without dropout."""
    model.eval()
    losses = [_loss(model, tokenizer, batch).item() for batch in _batches(pairs, batch_size)]
    return sum(losses) / len(losses)


@torch.inference_mode()
def evaluate(model, tokenizer, pairs: Sequence[Pair], batch_size: int) -> Scores:
    """Greedy translations of the held-out sources scored against the reviewers' texts."""
    model.eval()
    hypotheses: list[str] = []
    for batch in _batches(pairs, batch_size):
        encoded = tokenizer([s for s, _ in batch], return_tensors="pt", padding=True, truncation=True)
        limit = min(MAX_NEW_TOKENS, 2 * encoded["input_ids"].shape[1] + 10)
        output = model.generate(  # max_length=None: the model's own 512 would only add a warning
            **encoded.to(model.device), num_beams=1, do_sample=False, max_new_tokens=limit, max_length=None
        )
        hypotheses.extend(tokenizer.batch_decode(output, skip_special_tokens=True))
    references = [[t for _, t in pairs]]
    return Scores(
        CHRF().corpus_score(hypotheses, references).score,
        BLEU(effective_order=True).corpus_score(hypotheses, references).score,
        validation_loss_of(model, tokenizer, pairs, batch_size),
    )


def _batches(pairs: Sequence[Pair], size: int) -> Iterator[Sequence[Pair]]:
    for start in range(0, len(pairs), size):
        yield pairs[start : start + size]


@contextmanager
def _reproducible(seed: int, threads: int | None) -> Iterator[None]:
    """Seeded torch (and a fixed thread count, when given) for the run; restored afterwards."""
    previous_threads = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_num_threads(previous_threads)
