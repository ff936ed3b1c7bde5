"""The training loop the tiny test models share: AdamW, batches of 24, until the fixture is learnt.

Both builders (tiny_marian.py, tiny_bart.py) train a seq2seq model on (input, output) pairs until
greedy decoding reproduces the outputs (chrF), or a deadline passes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import torch
from sacrebleu.metrics import CHRF

BATCH_SIZE = 24


def train_until(
    model,
    tokenizer,
    pairs: list[tuple[str, str]],
    *,
    lr: float,
    target_chrf: float,
    deadline: float,
    log: Callable[[str], None],
    first_check: int,
    check_every: int,
    truncation: bool = False,
) -> tuple[int, float]:
    """Train in place; returns (epochs run, the last greedy chrF measured)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    order = list(range(len(pairs)))
    epoch, chrf = 0, 0.0
    while time.monotonic() < deadline:
        epoch += 1
        model.train()
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), BATCH_SIZE):
            batch = [pairs[i] for i in order[start : start + BATCH_SIZE]]
            encoded = tokenizer(
                [s for s, _ in batch],
                text_target=[t for _, t in batch],
                return_tensors="pt",
                padding=True,
                truncation=truncation,
            )
            encoded["labels"][encoded["labels"] == tokenizer.pad_token_id] = -100
            loss = model(**encoded).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        if epoch >= first_check and epoch % check_every == 0:
            chrf = greedy_chrf(model, tokenizer, pairs, truncation)
            log(f"epoch {epoch}: loss {total:.3f}, greedy chrF {chrf:.1f}")
            if chrf >= target_chrf:
                break
    model.eval()
    return epoch, chrf


@torch.inference_mode()
def greedy_chrf(model, tokenizer, pairs: list[tuple[str, str]], truncation: bool = False) -> float:
    """chrF of greedy outputs against the pairs' outputs: how well the model has learnt them."""
    model.eval()
    hypotheses = []
    for start in range(0, len(pairs), 64):
        batch = [s for s, _ in pairs[start : start + 64]]
        encoded = tokenizer(batch, return_tensors="pt", padding=True, truncation=truncation)
        output = model.generate(**encoded, num_beams=1, max_length=64, do_sample=False)
        hypotheses.extend(tokenizer.batch_decode(output, skip_special_tokens=True))
    return CHRF().corpus_score(hypotheses, [[t for _, t in pairs]]).score
