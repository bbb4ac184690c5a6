"""The notice's pages: the Board edits per matter (htmx fragment), the chair approves, history stays visible."""
from __future__ import annotations

from tiepdan.outcomes import services
from tiepdan.outcomes.models import ConclusionNotice


def test_the_board_drafts_from_the_session_page_edits_a_matter_and_sees_the_history(closed_session, client_as, official):
    session = closed_session()
    client = client_as("bantcd")
    assert "Lập dự thảo thông báo" in client.get(f"/lich-tiep/{session.pk}/").content.decode()
    response = client.post(f"/ket-qua/phien/{session.pk}/lap/")
    notice = ConclusionNotice.objects.get(session=session)
    assert response.status_code == 302 and response["Location"] == f"/ket-qua/{notice.pk}/"
    item = notice.items.first()
    data = {f"item{item.pk}-{f}": getattr(item, f) for f in ("citizen_summary", "request", "agencies_opinions", "conclusion", "time_limit")}
    data[f"item{item.pk}-contact_person"] = "Ông Nông Văn An, Sở Nông nghiệp"
    fragment = client.post(f"/ket-qua/muc/{item.pk}/", data, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="item-{item.pk}"' in fragment and "Ông Nông Văn An, Sở Nông nghiệp" in fragment and "<html" not in fragment
    client.post(f"/ket-qua/{notice.pk}/trinh/")
    services.return_notice(by=official("chutich"), notice=notice, comment="Bổ sung số điện thoại người liên hệ.")
    page = client.get(f"/ket-qua/{notice.pk}/").content.decode()
    assert "Trả lại để sửa" in page and "Dự thảo lần 1" in page and "Bổ sung số điện thoại người liên hệ." in page
    assert str(notice.session) in client.get("/ket-qua/").content.decode()


def test_the_chair_approves_on_the_page_and_a_department_officer_is_refused(closed_session, client_as, official):
    notice = services.draft_notice(session=closed_session())
    services.submit(by=official("bantcd"), notice=notice)
    assert client_as("sonnmt").get("/ket-qua/").status_code == 403
    assert client_as("sonnmt").post(f"/ket-qua/{notice.pk}/duyet/").status_code in (403, 404)
    chair = client_as("chutich")
    assert "Duyệt và ký" in chair.get(f"/ket-qua/{notice.pk}/").content.decode()
    chair.post(f"/ket-qua/{notice.pk}/duyet/")
    notice.refresh_from_db()
    assert notice.state == "approved" and notice.signed_as == "chairman"


def test_removing_a_directive_once_the_notice_is_sent_says_why_and_keeps_it(closed_session, client_as, official):
    from tiepdan.organisations.models import Organisation
    from tiepdan.outcomes.models import Directive

    notice = services.draft_notice(session=closed_session())
    item = notice.items.first()
    agency = Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).first()
    directive = services.add_directive(by=official("bantcd"), item=item, agency=agency, content="Kiểm tra hồ sơ đất", working_days=10)
    services.submit(by=official("bantcd"), notice=notice)  # from another page, meanwhile
    fragment = client_as("bantcd").post(f"/ket-qua/giao/{directive.pk}/xoa/", HTTP_HX_REQUEST="true").content.decode()
    assert "chỉ sửa được dự thảo hoặc bản bị trả lại" in fragment
    assert Directive.objects.filter(pk=directive.pk).exists()
