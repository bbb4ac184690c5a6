"""Who sees which tasks and matters, the Board's overview, reminders, stuck tasks, column 12 and the counts."""
import datetime as dt
import io

import pytest
from django.urls import reverse

from tiepdan.followup import selectors, services, tasks as jobs
from tiepdan.followup.models import TaskState
from tiepdan.notifications.models import Notification

from .test_services import PDF, _result


@pytest.fixture
def one_task(issued_notice, department):
    _, (task,) = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra, đo đạc lại thửa đất", 5)])
    return task


def test_an_agency_sees_its_own_tasks_and_not_another_agencys(issued_notice, department, other_department, client, official, make_official):
    _, tasks = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra đo đạc", 5), (other_department, "Rà soát giấy phép", 5)])
    mine = next(t for t in tasks if t.agency == department)
    theirs = next(t for t in tasks if t.agency == other_department)
    client.force_login(official("sonnmt"))
    page = client.get(reverse("followup:task_list")).content.decode()
    assert "Kiểm tra đo đạc" in page and "Rà soát giấy phép" not in page
    assert client.get(reverse("followup:task_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("followup:task_detail", args=[theirs.pk])).status_code == 404
    client.force_login(make_official("commune_officer", official("canboxa").organisation))
    assert client.get(reverse("followup:task_detail", args=[mine.pk])).status_code == 404


def test_a_department_opens_the_matter_page_of_its_task_and_no_other(one_task, approved_matter, client, official, other_department, make_official):
    # Before followup registered its scope, every matter page refused a department officer.
    unrelated = approved_matter()
    client.force_login(official("sonnmt"))
    assert client.get(reverse("intake:matter_detail", args=[one_task.matter_id])).status_code == 200
    assert client.get(reverse("intake:matter_detail", args=[unrelated.pk])).status_code == 404
    listed = client.get(reverse("intake:matter_list")).content.decode()
    assert f"/vu-viec/{one_task.matter_id}/" in listed and f"/vu-viec/{unrelated.pk}/" not in listed
    client.force_login(make_official("department_officer", other_department))
    assert client.get(reverse("intake:matter_detail", args=[one_task.matter_id])).status_code == 404


def test_the_agency_reports_with_an_attachment_through_the_form_and_the_board_accepts(one_task, client, official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(official("sonnmt"))
    response = client.post(reverse("followup:report", args=[one_task.pk]), {
        "kind": "result", "text": "Đã đo đạc lại.", "answer": "Diện tích bồi thường là 120 m².",
        "files": [SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")]}, follow=True)
    assert "Đã gửi báo cáo kết quả" in response.content.decode()
    one_task.refresh_from_db()
    assert one_task.state == TaskState.REPORTED
    attachment = one_task.reports.get().attachments.get()
    client.force_login(official("bantcd"))
    download = client.get(reverse("followup:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download.content == PDF
    page = client.get(reverse("followup:task_detail", args=[one_task.pk])).content.decode()
    assert "Ghi nhận hoàn thành" in page and "bien-ban.pdf" in page
    client.post(reverse("followup:accept", args=[one_task.pk]))
    one_task.refresh_from_db()
    assert one_task.state == TaskState.ACCEPTED


def test_a_wrong_file_through_the_form_is_refused_in_vietnamese(one_task, client, official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(official("sonnmt"))
    response = client.post(reverse("followup:report", args=[one_task.pk]), {
        "kind": "progress", "text": "Đang làm.", "files": [SimpleUploadedFile("anh.png", b"GIF89a....", content_type="image/png")]}, follow=True)
    assert "không phải PDF, JPEG hay PNG" in response.content.decode()
    assert not one_task.reports.exists()


def test_the_inspector_sees_the_whole_follow_up_but_cannot_act(one_task, client, official):
    _result(official("sonnmt"), one_task)
    client.force_login(official("thanhtra"))
    assert "Kiểm tra, đo đạc" in client.get(reverse("followup:task_list")).content.decode()
    page = client.get(reverse("followup:task_detail", args=[one_task.pk])).content.decode()
    assert "Ghi nhận hoàn thành" not in page and "Gửi báo cáo" not in page
    assert client.post(reverse("followup:accept", args=[one_task.pk])).status_code == 403
    one_task.refresh_from_db()
    assert one_task.state == TaskState.REPORTED


def test_overdue_counts_working_days_over_a_holiday(issued_notice, department, official):
    # Due Wednesday 25 Nov 2026 (24 Nov is a day off): not late on the due day, late the next working day.
    _, (task,) = issued_notice(dt.date(2026, 11, 18), [(department, "Kiểm tra", 4)])
    assert task.due_on == dt.date(2026, 11, 25)
    board = official("bantcd")
    assert selectors.board_overview(board, dt.date(2026, 11, 25))["overdue"] == []
    assert [t.pk for t in selectors.board_overview(board, dt.date(2026, 11, 25))["due_soon"]] == [task.pk]
    assert [t.pk for t in selectors.board_overview(board, dt.date(2026, 11, 26))["overdue"]] == [task.pk]


def test_reminders_are_sent_once_before_and_once_after_the_deadline(one_task, official):
    due = one_task.due_on  # Monday 9 Nov 2026
    board = official("bantcd")
    assert jobs.remind(today=dt.date(2026, 11, 4))["before"] == []
    assert jobs.remind(today=dt.date(2026, 11, 5)) == {"before": [one_task.pk], "after": []}
    assert jobs.remind(today=dt.date(2026, 11, 6))["before"] == []  # already told
    assert jobs.remind(today=due + dt.timedelta(days=1)) == {"before": [], "after": [one_task.pk]}
    assert jobs.remind(today=due + dt.timedelta(days=2))["after"] == []
    mine = Notification.objects.filter(recipient=board, key__startswith=f"followup.task.{one_task.pk}.")
    assert sorted(mine.values_list("key", flat=True)) == [f"followup.task.{one_task.pk}.after", f"followup.task.{one_task.pk}.before"]
    assert Notification.objects.filter(recipient=official("sonnmt"), key=f"followup.task.{one_task.pk}.after").exists()


def test_stuck_tasks_are_surfaced_with_their_waiting_step(one_task, official):
    _result(official("sonnmt"), one_task)
    one_task.refresh_from_db()
    assert jobs.surface_stuck(today=one_task.state_due_on) == {}
    report = jobs.surface_stuck(today=one_task.state_due_on + dt.timedelta(days=3))
    assert report == {one_task.province_committee_id: [one_task.pk]}
    assert Notification.objects.filter(recipient=official("bantcd"), subject__startswith="Nhiệm vụ theo kết luận đang bị chậm").count() == 1


def test_column_12_of_the_register_book_export_names_the_agency_due_day_state_and_answer(one_task, client, official):
    from openpyxl import load_workbook

    row = _result(official("sonnmt"), one_task)
    client.force_login(official("bantcd"))
    response = client.get(reverse("intake:register_book"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    column_12 = [sheet.cell(row=r, column=12).value or "" for r in range(9, sheet.max_row + 1)]
    line = next(v for v in column_12 if "Sở NN&MT" in v)
    assert "Đang giải quyết theo kết luận" in line and "hạn 09/11/2026" in line and "đã báo cáo kết quả" in line and row.answer_document.number in line


def test_task_counts_for_reports(issued_notice, department, other_department, official, demo):
    _, tasks = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra", 5), (other_department, "Rà soát", 30)])
    done = next(t for t in tasks if t.agency == department)
    _result(official("sonnmt"), done)
    services.accept_result(by=official("bantcd"), task=done)
    counts = selectors.task_counts(demo["committee"].path, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (counts["done"], counts["open"], counts["overdue"]) == (1, 1, 0)
    assert counts["by_agency"][department.name] == {"done": 1, "open": 0, "overdue": 0}
    later = selectors.task_counts(demo["committee"].path, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert later["overdue"] == 1
    assert selectors.task_counts(demo["committee"].path, dt.date(2026, 12, 1), dt.date(2026, 12, 31))["open"] == 0
