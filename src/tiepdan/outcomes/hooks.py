"""What later stages hang on an issued notice, without outcomes importing them (they sit above it).

``notice_issued``: callables ``(notice)`` run inside the issue transaction, after the notice is
``issued`` and its matters have moved; followup registers ``followup.services.create_tasks_for_notice``
in its ``AppConfig.ready()``. A hook that raises rolls the whole issue back: no number is spent on a
notice whose tasks could not be created.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import ConclusionNotice

notice_issued: list[Callable[["ConclusionNotice"], None]] = []


def run_notice_issued(notice: "ConclusionNotice") -> None:
    for hook in list(notice_issued):
        hook(notice)
