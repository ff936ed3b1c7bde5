"""A BART-family tokenizer from the model's files with the `tokenizers` library: no transformers.

For summaries through CTranslate2, which wants tokens in and gives tokens out. transformers 5
builds BART's tokenizer the same way (`RobertaTokenizer`: byte-level BPE, `<s> … </s>` around a
text): from tokenizer.json when the model has one, else from vocab.json and merges.txt with
RoBERTa's pre-tokenizer, decoder and post-processor. tests/integration/test_bart_pieces.py
compares the two on fixture text.
"""

from __future__ import annotations

from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
from tokenizers.models import BPE

from workbench.engines.marian_pieces import clean_up_spaces, token_text
from workbench.engines.model_files import ModelError, read_json

_SPECIALS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
             "mask_token": "<mask>"}  # fmt: skip


class BartPieces:
    """Byte-level BPE tokens of a text, and text from tokens, as the model's tokenizer makes them."""

    def __init__(self, model_dir: Path) -> None:
        config = read_json(model_dir / "tokenizer_config.json")
        self.model_max_length = int(config.get("model_max_length") or 1024)
        self.clean_up = bool(config.get("clean_up_tokenization_spaces", False))
        if (model_dir / "tokenizer.json").is_file():
            self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        else:
            self.tokenizer = _from_vocabulary(model_dir, config)
        # A saved tokenizer.json may carry the truncation and padding of its last use; transformers
        # sets both per call and, by default, does neither (long texts are cut at clauses instead).
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()

    def count_tokens(self, text: str) -> int:
        """Tokens without <s> and </s>."""
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def tokens(self, text: str) -> list[str]:
        """The model's input: `<s>`, the pieces, `</s>`."""
        return self.tokenizer.encode(text).tokens

    def text(self, tokens: list[str]) -> str:
        """Generated tokens back to text, special tokens dropped."""
        ids = [self.tokenizer.token_to_id(token) for token in tokens]
        text = self.tokenizer.decode([i for i in ids if i is not None], skip_special_tokens=True)
        return clean_up_spaces(text) if self.clean_up else text


def _from_vocabulary(model_dir: Path, config: dict) -> Tokenizer:
    """RoBERTa's byte-level BPE pipeline over vocab.json and merges.txt (older hub repositories)."""
    try:
        model = BPE.from_file(str(model_dir / "vocab.json"), str(model_dir / "merges.txt"))
    except Exception as error:  # noqa: BLE001 - tokenizers raises plain Exceptions for bad files
        raise ModelError(f"{model_dir}: cannot load a BPE tokenizer ({str(error).splitlines()[0]})") from None
    tokenizer = Tokenizer(model)
    prefix_space = bool(config.get("add_prefix_space", False))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix_space)
    tokenizer.decoder = decoders.ByteLevel()
    names = {key: token_text(config.get(key) or default) for key, default in _SPECIALS.items()}
    tokenizer.add_special_tokens([AddedToken(token, special=True) for token in names.values()])

    def special(key: str) -> tuple[str, int]:
        index = tokenizer.token_to_id(names[key])
        assert index is not None, f"{names[key]} was added just above"  # None means an unknown token
        return names[key], index

    tokenizer.post_processor = processors.RobertaProcessing(
        special("eos_token"),
        special("bos_token"),
        trim_offsets=bool(config.get("trim_offsets", True)),
        add_prefix_space=prefix_space,
    )
    return tokenizer
