"""Extractive summaries without weights: TextRank over TF-IDF, a lead prior, no repetition.

Works in any language (tokens are word characters, weights come from the text itself), is
deterministic, and every summary sentence is one of the input sentences, so its provenance is
exact. Also provides the similarity the digest uses to merge near-duplicate facts.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)
VERSION = 2
"""Part of the summary cache key: bump it when the ranking changes, so no stale summary is served."""
DAMPING = 0.85
LEAD_WEIGHT = 0.3
"""Share of the ranking given to position: news puts the essentials first."""
REDUNDANCY = 0.6
"""Cosine similarity above which a candidate repeats a sentence already chosen."""
MIN_WORDS = 5
"""Shorter lines (headings, image alt text) are ranked but not chosen while longer ones remain."""


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    """Rows are L2-normalised TF-IDF vectors of the texts (sublinear tf, smoothed idf)."""
    bags = [Counter(token.casefold() for token in _TOKEN.findall(text)) for text in texts]
    vocabulary = sorted({token for bag in bags for token in bag})
    index = {token: i for i, token in enumerate(vocabulary)}
    documents = len(texts)
    frequency = Counter(token for bag in bags for token in bag)
    matrix = np.zeros((documents, len(vocabulary)))
    for row, bag in enumerate(bags):
        for token, count in bag.items():
            idf = math.log((1 + documents) / (1 + frequency[token])) + 1
            matrix[row, index[token]] = (1 + math.log(count)) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def similarity(texts: list[str]) -> np.ndarray:
    vectors = tfidf_matrix(texts)
    return vectors @ vectors.T


def rank(texts: list[str]) -> np.ndarray:
    """TextRank scores personalised towards the lead: PageRank over sentence similarity."""
    count = len(texts)
    if count == 0:
        return np.zeros(0)
    graph = similarity(texts)
    np.fill_diagonal(graph, 0.0)
    out = graph.sum(axis=1, keepdims=True)
    transition = np.where(out > 0, graph / np.where(out == 0, 1, out), 1.0 / count)
    lead = 1.0 / np.arange(1, count + 1)
    prior = (1 - LEAD_WEIGHT) / count + LEAD_WEIGHT * lead / lead.sum()
    scores = np.full(count, 1.0 / count)
    for _ in range(100):
        updated = (1 - DAMPING) * prior + DAMPING * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-9:
            break
        scores = updated
    return scores


def select(texts: list[str], count: int) -> list[int]:
    """Indices of the `count` best sentences, skipping repeats, in reading order."""
    if not texts or count <= 0:
        return []
    scores = rank(texts)
    similar = similarity(texts)
    chosen: list[int] = []
    long_enough = [i for i, text in enumerate(texts) if len(text.split()) >= MIN_WORDS]
    for index in sorted(long_enough or range(len(texts)), key=lambda i: (-scores[i], i)):
        if len(chosen) == count:
            break
        if all(similar[index, other] < REDUNDANCY for other in chosen):
            chosen.append(index)
    return sorted(chosen)
