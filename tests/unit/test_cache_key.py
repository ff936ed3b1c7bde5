"""The cache key's stored form is the one earlier releases wrote: old caches keep matching."""

import json

from workbench.cache_key import CacheKey, model_name_of

MODEL = CacheKey(model="opus", sha256="ab" * 8, backend="ctranslate2")


def test_a_model_key_is_the_sorted_json_earlier_releases_stored():
    key = CacheKey(**{**MODEL.as_dict(), "num_beams": 4, "alignment": "l-1h0"})
    old = {"model": "opus", "sha256": "ab" * 8, "backend": "ctranslate2"}
    old |= {"num_beams": 4, "alignment": "l-1h0"}
    assert key.text() == json.dumps(old, sort_keys=True)
    assert CacheKey.parse(key.text()) == key


def test_a_pivot_key_names_both_legs_and_reads_back():
    legs = (CacheKey(model="de-en", num_beams=4), CacheKey(model="en-fr", num_beams=4, prefix=">>fr<<"))
    key = CacheKey.through("en", legs)
    stored = json.loads(key.text())
    assert stored["pivot"] == "en" and [step["model"] for step in stored["steps"]] == ["de-en", "en-fr"]
    assert CacheKey.parse(key.text()) == key
    assert key.pivoted and model_name_of(key.text()) == "de-en + en-fr"


def test_a_kept_text_key_names_its_language_only():
    assert CacheKey.kept_as_is("en").text() == json.dumps({"identity": "en"})
    assert model_name_of(CacheKey.kept_as_is("en").text()) is None


def test_foreign_strings_are_no_key():
    assert CacheKey.parse("") is None
    assert CacheKey.parse("not json") is None
    assert CacheKey.parse("[1, 2]") is None
