"""With a converted model, the CTranslate2 path runs without torch and transformers.

`workbench translate` runs in a fresh process after an earlier run converted the model: that
process must not import either (they cost seconds and a hundred megabytes before the first
sentence), and its translation is the transformers backend's. Forced decoding of an edit goes
through the same torch-free tokenizer and must agree with the reference backend.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from workbench.cli import main
from workbench.service import Workbench
from workbench.settings import load_workspace

HEAVY = ("torch", "transformers")


def _heavy_modules_after(argv: list[str]) -> tuple[int, list[str]]:
    """Run the CLI in a fresh interpreter; its exit code and the heavy modules it imported."""
    code = textwrap.dedent(f"""
        import json, sys
        from workbench.cli import main
        code = main({argv!r})
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
        print(json.dumps({{"code": code, "heavy": heavy}}))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome["code"], outcome["heavy"]


def test_translate_with_a_converted_model_imports_neither_torch_nor_transformers(
    tiny_model, tmp_path, pairs, translator
) -> None:
    flags = ["-w", str(tmp_path / "ws"), "--model", str(tiny_model), "--models-dir", str(tmp_path / "models")]
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(pairs[1][0] + "\n", encoding="utf-8")
    second.write_text(pairs[0][0] + "\n", encoding="utf-8")
    assert main([*flags, "translate", str(first), "--quiet"]) == 0  # converts the model
    assert main([*flags, "import", str(second)]) == 0

    code, heavy = _heavy_modules_after([*flags, "translate", str(second), "--quiet"])

    assert code == 0
    assert heavy == []
    workspace = load_workspace(str(tmp_path / "ws"), {"model": str(tiny_model)}, env={})
    with Workbench(workspace) as bench:
        translated = [s.target for s in bench.segments(bench.find_article(str(second)))]
    assert translated == [translator.translate([pairs[0][0]])[0].text] == [pairs[0][1]]


def test_forced_decoding_of_edits_agrees_with_the_reference_backend(tiny_model, tmp_path, pairs) -> None:
    """Reviewer texts (here the fixture's references, and a rewording) are tokenized as targets."""
    from workbench.engines.ctranslate2_marian import CTranslate2Translator
    from workbench.engines.marian import MarianTranslator

    edits = [(s, t) for s, t in pairs[:20]] + [
        (pairs[0][0], "Moscow won't comment on „North Korean“ troops…")
    ]
    reference = MarianTranslator(tiny_model, beam_size=1).align(edits)
    fast = CTranslate2Translator(tiny_model, tmp_path / "ct2", beam_size=1, compute_type="float32").align(
        edits
    )
    assert [t.alignment for t in fast] == [t.alignment for t in reference]
    assert [t.tokens for t in fast] == [t.tokens for t in reference]
    assert all(abs(a.score - b.score) < 0.01 for a, b in zip(fast, reference, strict=True))
