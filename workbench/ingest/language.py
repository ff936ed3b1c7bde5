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


@cache
def _detector() -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in SUPPORTED]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, default: str = "und") -> str:
    """ISO 639-1 code of `text`, or `default` when the text is too short or ambiguous."""
    if len(text.split()) < MIN_WORDS:
        return default
    language = _detector().detect_language_of(text)
    if language is None:
        return default
    return language.iso_code_639_1.name.lower()
