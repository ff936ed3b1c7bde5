"""Builders of the tiny models the tests, the benchmarks and the offline demo use.

Not part of the runtime: nothing under workbench/ outside this package imports it (an import
contract in pyproject.toml keeps it so). scripts/make_test_model.py runs these builders by a fixed
recipe, and the text of every module here is part of that recipe's hash.
"""
