"""The demo's follow-up: the issued notice's tasks, one reported and one overdue, seeded once."""
import datetime as dt

from django.utils import timezone

from tiepdan.followup import demo as followup_demo
from tiepdan.followup import selectors
from tiepdan.followup.models import Task, TaskState


def test_the_demo_seeds_one_reported_task_and_one_overdue(issued_notice, demo, official):
    issued_notice(timezone.localdate() - dt.timedelta(days=1), [(demo["Sở NN&MT"], "Kiểm tra, đo đạc", 10), (demo["Sở XD"], "Rà soát giấy phép", 10)])
    followup_demo.seed(demo)
    followup_demo.seed(demo)
    assert Task.objects.filter(state=TaskState.REPORTED).count() == 1
    assert [t.agency for t in selectors.board_overview(official("bantcd"))["overdue"]] == [demo["Sở XD"]]
