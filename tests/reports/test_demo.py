"""The demo's monthly report: last month's draft for the demo province, drafted once."""
import pytest
from django.utils import timezone

from tiepdan.reports import demo as reports_demo
from tiepdan.reports import rules
from tiepdan.reports.models import ReportDraft, ReportKind, ReportState

pytestmark = pytest.mark.django_db


def test_the_demo_drafts_last_months_report_for_the_board_once(demo, client_as):
    reports_demo.seed(demo)
    reports_demo.seed(demo)
    draft = ReportDraft.objects.get()
    month = rules.previous_month(timezone.localdate())
    assert (draft.kind, draft.state, draft.scope_organisation, draft.period_start) == (ReportKind.MONTHLY, ReportState.DRAFT, demo["committee"], month.start)
    assert draft.drafted_by.username == "bantcd" and "totals" in draft.figures
    page = client_as("bantcd").get("/bao-cao/du-thao/")
    assert page.status_code == 200 and draft.period_label in page.content.decode()
