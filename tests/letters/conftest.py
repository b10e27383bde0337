"""The letters tests borrow the limits tests' fixture that lowers rate limits for one test."""

from tests.limits.conftest import limits  # noqa: F401 - a fixture, found by name
