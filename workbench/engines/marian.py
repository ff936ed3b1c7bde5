"""MarianMT through transformers: the reference backend.

One `generate()` per length-sorted batch with the model's own generation config, then one
teacher-forced pass over the output that yields both the score (mean log-probability) and the
cross-attention the word alignment is read from. `quantize=True` applies torch dynamic int8
quantization to the linear layers.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
from safetensors import SafetensorError
from transformers import GenerationConfig, MarianMTModel, MarianTokenizer

from workbench.engines.model_files import ModelError, check_model_dir
from workbench.engines.pipeline import BatchedTranslator, load_tokenizer
from workbench.records import GUIDED_HEAD, AlignmentSource, Translation


class MarianTranslator(BatchedTranslator[MarianTokenizer]):
    backend = "transformers"

    def __init__(
        self,
        model_dir: Path,
        beam_size: int | None = None,
        batch_tokens: int = 4096,
        quantize: bool = False,
        target_prefix: str | None = None,
        alignment: AlignmentSource = GUIDED_HEAD,
    ) -> None:
        check_model_dir(model_dir)
        tokenizer = load_tokenizer(model_dir)
        try:
            # Eager attention: the scaled-dot-product kernels do not return attention weights.
            model = MarianMTModel.from_pretrained(
                model_dir, use_safetensors=True, attn_implementation="eager"
            )
        except (OSError, ValueError, KeyError, SafetensorError) as error:
            raise ModelError(
                f"{model_dir}: cannot load a Marian model ({str(error).splitlines()[0]})"
            ) from None
        self.model = model.eval()
        if quantize:
            with warnings.catch_warnings():  # deprecated in favour of torchao, still shipped in 2.13
                warnings.simplefilter("ignore")
                self.model = torch.ao.quantization.quantize_dynamic(
                    self.model, {torch.nn.Linear}, dtype=torch.qint8
                )
            self.backend = "transformers-int8"
        super().__init__(
            model_dir, tokenizer, model.config.max_position_embeddings, batch_tokens, target_prefix
        )
        self.generation_config = GenerationConfig.from_model_config(model.config)
        if (model_dir / "generation_config.json").is_file():
            self.generation_config = GenerationConfig.from_pretrained(model_dir)
        if beam_size:
            self.generation_config.num_beams = beam_size
        self.alignment = alignment

    @torch.inference_mode()
    def _translate_batch(self, texts: list[str]) -> list[Translation]:
        encoded = self.tokenizer([self.with_prefix(t) for t in texts], return_tensors="pt", padding=True)
        generated = self.model.generate(**encoded, generation_config=self.generation_config)
        return self._teacher_forced(texts, encoded, generated)

    @torch.inference_mode()
    def _force_batch(self, sources: list[str], targets: list[str]) -> list[Translation]:
        encoded = self.tokenizer(
            [self.with_prefix(s) for s in sources], text_target=targets, return_tensors="pt", padding=True
        )
        labels = encoded.pop("labels")
        start = torch.full((len(targets), 1), self.model.config.decoder_start_token_id)
        return self._teacher_forced(sources, encoded, torch.cat([start, labels], dim=1), targets)

    def _teacher_forced(
        self, sources: list[str], encoded, decoded: torch.Tensor, texts: list[str] | None = None
    ) -> list[Translation]:
        """One decoder pass over `decoded` (start token first): scores and cross-attention.

        `texts` are the target texts when they are given (forced decoding); otherwise the
        decoded ids are the model's own output and are turned back into text.
        """
        labels = decoded[:, 1:]
        output = self.model(**encoded, decoder_input_ids=decoded[:, :-1], output_attentions=True)
        log_probs = output.logits.log_softmax(-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        # (batch, target, source): the alignment source's layer, averaged over its heads.
        heads = list(self.alignment.heads)
        attention = output.cross_attentions[self.alignment.layer][:, heads].mean(dim=1)
        return [
            self._one(
                sources[row],
                encoded["input_ids"][row],
                labels[row],
                log_probs[row],
                attention[row],
                texts[row] if texts else None,
            )
            for row in range(len(sources))
        ]

    def _one(
        self,
        source: str,
        input_ids: torch.Tensor,
        labels: torch.Tensor,
        log_probs: torch.Tensor,
        attention: torch.Tensor,
        text: str | None,
    ) -> Translation:
        scored = (labels != self.tokenizer.pad_token_id).nonzero().flatten()  # tokens up to and with </s>
        length = int(scored.max()) + 1 if len(scored) else 0
        target_ids = labels[:length].tolist()
        if text is None:
            text = self.tokenizer.decode(target_ids, skip_special_tokens=True)
        return Translation(
            text=text,
            alignment=self._align(
                source, text, input_ids.tolist(), target_ids, attention[:length].float().numpy()
            ),
            score=float(log_probs[:length].mean()) if length else 0.0,
            tokens=max(length, 1),
        )
