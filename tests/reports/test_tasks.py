"""The monthly draft is a periodic Huey job the worker (`run_huey`, started by `manage.py serve`) finds and runs."""
import datetime as dt

from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from tiepdan.reports import tasks


def test_the_monthly_draft_is_a_periodic_job_of_every_morning_the_worker_discovers():
    autodiscover_modules("tasks")  # what run_huey does before it starts the consumer
    assert tasks.draft_monthly_reports.task_class in HUEY._registry._periodic_tasks
    job = tasks.draft_monthly_reports.task_class()
    assert job.validate_datetime(dt.datetime(2026, 12, 1, 7, 30)) and not job.validate_datetime(dt.datetime(2026, 12, 1, 8, 30))
