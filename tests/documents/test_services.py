"""Issuing a document: numbering per organisation, year and symbol, both renderings stored and hashed, policy, audit, download."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from pypdf import PdfReader

from tiepdan.core.models import AuditEntry
from tiepdan.documents import services
from tiepdan.documents.models import DocumentKind, IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _issue(by, doc, organisation, **extra):
    return services.issue_document(by=by, kind=extra.pop("kind", DocumentKind.REFUSAL_NOTICE), doc=doc, about=extra.pop("about", None), organisation=organisation)


def test_issue_numbers_stores_both_files_with_their_hash_and_audits(demo, official, refusal):
    officer = official("bantcd")
    issued = _issue(officer, refusal, demo["committee"], about=officer)
    assert issued.number == "01/TB-UBND" and issued.sequence == 1 and issued.year == 2026
    assert issued.title == "Thông báo Về việc từ chối tiếp công dân"
    docx_bytes, pdf_bytes = issued.docx.read(), issued.pdf.read()
    assert hashlib.sha256(docx_bytes).hexdigest() == issued.docx_sha256
    assert hashlib.sha256(pdf_bytes).hexdigest() == issued.pdf_sha256
    assert "Số: 01/TB-UBND" in PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
    assert issued.about == officer
    entry = AuditEntry.objects.filter(action="documents.issue").latest("id")
    assert entry.actor == officer and entry.changes["number"] == "01/TB-UBND" and entry.changes["pdf_sha256"] == issued.pdf_sha256
    assert refusal.number is None  # the caller's description is left as it was


def test_numbers_follow_each_other_per_symbol_and_restart_each_year(demo, official, refusal):
    officer = official("bantcd")
    first, second = _issue(officer, refusal, demo["committee"]), _issue(officer, refusal, demo["committee"])
    invitation = _issue(officer, dataclasses.replace(refusal, symbol="GM-UBND"), demo["committee"], kind=DocumentKind.INVITATION)
    next_year = _issue(officer, dataclasses.replace(refusal, date=dt.date(2027, 1, 4)), demo["committee"])
    assert (first.number, second.number, invitation.number, next_year.number) == ("01/TB-UBND", "02/TB-UBND", "01/GM-UBND", "01/TB-UBND")


def test_each_organisation_has_its_own_numbers(demo, official, refusal):
    province = _issue(official("bantcd"), refusal, demo["committee"])
    commune = _issue(official("canboxa"), dataclasses.replace(refusal, issuing_body="Ủy ban nhân dân xã"), demo["commune"])
    assert province.number == commune.number == "01/TB-UBND"


def test_a_commune_officer_cannot_issue_in_the_name_of_the_province(demo, official, refusal):
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        _issue(official("canboxa"), refusal, demo["committee"])
    assert not IssuedDocument.objects.exists()


def test_roles_without_the_right_are_refused(demo, official, refusal):
    for username in ("cntt", "trunguong"):
        with pytest.raises(PermissionDenied, match="Vai trò của bạn không được ban hành văn bản"):
            _issue(official(username), refusal, demo["committee"])
    # A department issues in its own name only (its answers on the tasks it is given), never in the province's.
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        _issue(official("sonnmt"), refusal, demo["committee"])


def test_another_province_cannot_issue_or_read(demo, other_province, official, make_official, refusal):
    from tiepdan.core.roles import Role

    stranger = make_official(Role.BOARD_OFFICER, other_province["board"])
    with pytest.raises(PermissionDenied):
        _issue(stranger, refusal, demo["committee"])
    issued = _issue(official("bantcd"), refusal, demo["committee"])
    with pytest.raises(PermissionDenied):
        services.open_document(by=stranger, document=issued, fmt="pdf")


def test_an_unknown_kind_is_refused_with_what_to_do(demo, official, refusal):
    with pytest.raises(ValidationError, match="không có trong danh mục"):
        _issue(official("bantcd"), refusal, demo["committee"], kind="memo")


def test_download_view_serves_the_file_and_audits_the_read(demo, official, refusal, client):
    issued = _issue(official("bantcd"), refusal, demo["committee"])
    client.force_login(official("thanhtra"))
    response = client.get(f"/van-ban/{issued.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="01-TB-UBND.pdf"' in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == issued.pdf_sha256
    assert AuditEntry.objects.filter(action="documents.download", object_id=str(issued.pk), actor=official("thanhtra")).exists()
    docx = client.get(f"/van-ban/{issued.pk}/docx/")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_download_is_refused_to_a_role_without_the_right(demo, official, refusal, client):
    issued = _issue(official("bantcd"), refusal, demo["committee"])
    client.force_login(official("cntt"))
    response = client.get(f"/van-ban/{issued.pk}/pdf/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="documents.download").exists()


def test_a_file_changed_after_issue_is_not_served(demo, official, refusal, client):
    issued = _issue(official("bantcd"), refusal, demo["committee"])
    with open(issued.pdf.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(official("bantcd"))
    response = client.get(f"/van-ban/{issued.pk}/pdf/")
    assert response.status_code == 409
    assert "mã băm SHA-256 không khớp" in response.content.decode()
    assert AuditEntry.objects.filter(action="documents.integrity_failed").exists()


def test_list_shows_only_documents_in_the_users_jurisdiction(demo, official, refusal, client):
    _issue(official("bantcd"), refusal, demo["committee"])
    _issue(official("canboxa"), dataclasses.replace(refusal, issuing_body="Ủy ban nhân dân xã"), demo["commune"])
    client.force_login(official("canboxa"))
    page = client.get("/van-ban/").content.decode()
    assert page.count("01/TB-UBND") == 1 and demo["commune"].name in page and demo["committee"].name not in page
    client.force_login(official("bantcd"))
    assert client.get("/van-ban/").content.decode().count("01/TB-UBND") == 2


@pytest.mark.django_db(transaction=True)
def test_officials_issuing_at_the_same_moment_get_different_numbers(demo, official, refusal):
    officer = official("bantcd")
    committee = demo["committee"]
    numbers, errors = [], []

    def issue():
        try:
            numbers.append(_issue(officer, refusal, committee).sequence)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4]
