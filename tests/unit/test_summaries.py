"""Extractive summaries and the digest, through the service, the CLI and on the seeds."""

from __future__ import annotations

from workbench.engines.extractive import select


def test_selection_skips_repeats_and_prefers_the_lead() -> None:
    texts = [
        "Russland hat erstmals den Einsatz nordkoreanischer Soldaten in Kursk bestätigt.",
        "Russland hat erstmals den Einsatz nordkoreanischer Soldaten in Kursk offiziell bestätigt.",
        "Das Wetter in Moskau war am Freitag sonnig und kalt.",
        "Nordkoreanische Soldaten kämpfen in Kursk an der Seite russischer Truppen.",
    ]
    chosen = select(texts, 2)
    assert chosen[0] == 0
    assert 1 not in chosen  # a near-copy of the first
