"""Triage tests reuse the registration helpers."""
from tests.intake.conftest import board_matter, citizen_data, communes, household, matter_data  # noqa: F401
