"""Language of a block, offline, with lingua (its models ship inside the wheel).

Short blocks ("CNN", "Russland,") carry too little evidence; they inherit the article's language
instead of getting a coin-flip label that would route them to the wrong model.
"""

from __future__ import annotations

from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Languages with opus-mt models that news readers meet most; a small set keeps detection
# fast and its memory low.
SUPPORTED = (
    "de",
    "en",
    "fr",
    "es",
    "it",
    "nl",
    "pt",
    "pl",
    "ru",
    "uk",
    "sv",
    "da",
    "cs",
    "tr",
)
MIN_WORDS = 4
CLEAR_LEAD = 2.0
"""How many times more likely than the article's language a block's language must be to differ.

Short blocks are where detectors guess: lingua rates "Die Lage in Kursk" Swedish 0.21, German
0.19. A block keeps its article's language unless another language clearly wins.
"""


@cache
def _detector() -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in SUPPORTED]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, default: str = "und") -> str:
    """ISO 639-1 code of `text`, or `default` when the text is too short or not clearly another language."""
    if len(text.split()) < MIN_WORDS:
        return default
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value <= 0:
        return default
    confidence = {value.language.iso_code_639_1.name.lower(): value.value for value in values}
    best = max(confidence, key=confidence.__getitem__)
    if default in confidence and confidence[best] < CLEAR_LEAD * confidence[default]:
        return default
    return best
