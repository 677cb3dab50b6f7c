"""Fixtures of the case tests: the shared world plus handling units (see factories.py)."""

import pytest

from .factories import cw  # noqa: F401


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos written by the tests go to a temporary directory, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path
