"""Triage tests reuse the registration helpers; the letters they issue are stored under a temporary folder."""
import pytest

from tests.intake.conftest import board_matter, citizen_data, communes, household, matter_data  # noqa: F401


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
