"""Marian tokenization from the model's own files: SentencePiece and vocab.json, no transformers.

The CTranslate2 backend needs tokens, not tensors, and loading transformers' `MarianTokenizer`
imports transformers and with it torch: seconds and a hundred megabytes before the first
sentence. This module reproduces what `MarianTokenizer` (transformers 5.x) does, token for token
(tests/integration/test_marian_pieces.py compares the two):

- the text is split around the special and added tokens (`</s>`, `<unk>`, `<pad>`, any extra
  ones), which stay single tokens;
- each other stretch loses a leading `>>xx<<` target-language code (kept as one token) and is
  cut into pieces by the source SentencePiece model (the target one for `text_target`). There
  is no punctuation normalisation: MarianTokenizer sets up sacremoses' normaliser but never
  calls it while tokenizing;
- pieces become ids through vocab.json, a piece it lacks becomes `<unk>`; `</s>` is appended;
- decoding maps ids back through the vocabulary and joins pieces with SentencePiece, special
  tokens passed through as words (or skipped on request).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sentencepiece

from workbench.engines.model_files import ModelError, check_model_type, read_json

MARIAN_TYPES = ("marian",)
WORD_START = "▁"
_NAMED_SPECIALS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}


@dataclass(frozen=True)
class Encoding:
    """What `MarianTokenizer(text)` returns, as far as the backends read it."""

    input_ids: list[int]


def token_text(token: str | dict) -> str:
    """A token as tokenizer_config.json writes it: a string, or an AddedToken's dict."""
    return token["content"] if isinstance(token, dict) else str(token)


def _extra_specials(config: dict) -> list[str]:
    extra = config.get("additional_special_tokens") or config.get("extra_special_tokens") or []
    values = extra.values() if isinstance(extra, dict) else extra
    return [token_text(token) for token in values]


_SPACED = (" .", " ?", " !", " ,", " ' ", " n't", " 'm", " 's", " 've", " 're")
"""What transformers' `clean_up_tokenization` joins, in its order (" ' " loses both spaces)."""


def clean_up_spaces(text: str) -> str:
    """transformers' `clean_up_tokenization`, for a model whose config asks for it."""
    for spaced in _SPACED:
        text = text.replace(spaced, spaced.strip() if spaced == " ' " else spaced[1:])
    return text


class MarianPieces:
    """The subset of `MarianTokenizer`'s interface the CTranslate2 backend and the pipeline use."""

    def __init__(self, model_dir: Path) -> None:
        config = read_json(model_dir / "tokenizer_config.json")
        self.model_max_length = int(config.get("model_max_length") or 512)
        self.clean_up = bool(config.get("clean_up_tokenization_spaces", False))
        self.encoder: dict[str, int] = _vocabulary(model_dir / "vocab.json")
        separate = bool(config.get("separate_vocabs", False))
        target_vocab = _vocabulary(model_dir / "target_vocab.json") if separate else self.encoder
        self.decoder = {index: token for token, index in target_vocab.items()}
        self.source_spm = _load_spm(model_dir / "source.spm")
        self.target_spm = _load_spm(model_dir / "target.spm")
        # As MarianTokenizer.decode: the source model joins pieces unless the vocabularies differ.
        self.decode_spm = self.target_spm if separate else self.source_spm
        names = {key: token_text(config.get(key) or default) for key, default in _NAMED_SPECIALS.items()}
        self.eos_token, self.unk_token, self.pad_token = (names[key] for key in _NAMED_SPECIALS)
        if self.unk_token not in self.encoder:
            raise ModelError(f"{model_dir / 'vocab.json'}: no {self.unk_token} token")
        added = {int(i): token_text(token) for i, token in (config.get("added_tokens_decoder") or {}).items()}
        self.added_ids = {token: index for index, token in added.items()}
        self.added_tokens = added
        self.all_special_tokens = list(dict.fromkeys([*names.values(), *_extra_specials(config)]))
        unsplit = sorted({*self.all_special_tokens, *added.values()}, key=len, reverse=True)
        self._special_split = re.compile("(" + "|".join(map(re.escape, unsplit)) + ")")
        self._unsplit = frozenset(unsplit)
        self.all_special_ids = self.convert_tokens_to_ids(self.all_special_tokens)
        self.eos_token_id, self.unk_token_id, self.pad_token_id = self.convert_tokens_to_ids(
            [self.eos_token, self.unk_token, self.pad_token]
        )

    # --- text -> pieces -> ids ----------------------------------------------------------------

    def tokenize(self, text: str, target: bool = False) -> list[str]:
        """Pieces of `text` without </s>: special tokens kept whole, the rest through SentencePiece."""
        processor = self.target_spm if target else self.source_spm
        tokens: list[str] = []
        for part in self._special_split.split(text):
            if part in self._unsplit:
                tokens.append(part)
            elif part:
                tokens.extend(_pieces(processor, part))
        return tokens

    def __call__(self, text: str | None = None, text_target: str | None = None) -> Encoding:
        """The ids of one source text, or of one target text, with </s> appended."""
        if text is not None and text_target is None:
            tokens = self.tokenize(text)
        elif text is None and text_target is not None:
            tokens = self.tokenize(text_target, target=True)
        else:
            raise ValueError("give either text or text_target")
        return Encoding([*self.convert_tokens_to_ids(tokens), self.eos_token_id])

    def convert_tokens_to_ids(self, tokens: Iterable[str]) -> list[int]:
        unknown = self.encoder[self.unk_token]
        return [self.added_ids.get(token, self.encoder.get(token, unknown)) for token in tokens]

    # --- ids -> pieces -> text ----------------------------------------------------------------

    def convert_ids_to_tokens(self, ids: Iterable[int], skip_special_tokens: bool = False) -> list[str]:
        skipped = set(self.all_special_ids) if skip_special_tokens else set()
        return [self._token(int(index)) for index in ids if int(index) not in skipped]

    def _token(self, index: int) -> str:
        if index in self.added_tokens:
            return self.added_tokens[index]
        if index in self.decoder:
            return self.decoder[index]
        return self.decode_spm.IdToPiece(index) or self.unk_token

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = False) -> str:
        text = self.convert_tokens_to_string(self.convert_ids_to_tokens(ids, skip_special_tokens))
        return clean_up_spaces(text) if self.clean_up else text

    def convert_tokens_to_string(self, tokens: list[str]) -> str:
        """SentencePiece joins the pieces between special tokens; those are written as words."""
        specials = set(self.all_special_tokens)
        text, run = "", list[str]()
        for token in tokens:
            if token in specials:
                text += self.decode_spm.decode_pieces(run) + token + " "
                run = []
            else:
                run.append(token)
        text += self.decode_spm.decode_pieces(run)
        return text.replace(WORD_START, " ").strip()


def _pieces(processor: sentencepiece.SentencePieceProcessor, text: str) -> list[str]:
    """A stretch of text without special tokens: a leading `>>xx<<` code, then its pieces."""
    code: list[str] = []
    if text.startswith(">>") and (end := text.find("<<")) != -1:
        code, text = [text[: end + 2]], text[end + 2 :]
    return code + processor.encode(text, out_type=str)


def _vocabulary(path: Path) -> dict[str, int]:
    """vocab.json: piece -> id; a missing file is an OSError naming it."""
    return json.loads(path.read_text(encoding="utf-8"))


def _load_spm(path: Path) -> sentencepiece.SentencePieceProcessor:
    processor = sentencepiece.SentencePieceProcessor()
    try:
        processor.Load(str(path))
    except (OSError, RuntimeError) as error:
        raise ModelError(
            f"{path}: cannot load a SentencePiece model ({str(error).splitlines()[0]})"
        ) from None
    return processor


def load_marian_pieces(model_dir: Path) -> MarianPieces:
    """The model's tokenizer without transformers; a one-line ModelError naming a bad file."""
    check_model_type(model_dir, MARIAN_TYPES, "translation")
    try:
        return MarianPieces(model_dir)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ModelError(
            f"{model_dir}: cannot load a Marian tokenizer ({str(error).splitlines()[0]})"
        ) from None
