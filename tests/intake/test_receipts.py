"""Form 02/TCD (Decree 154/2026 Art. 15): a receipt for every paper recorded, in the one register of documents."""
import io

import pytest

from tiepdan.documents.models import DocumentKind, IssuedDocument
from tiepdan.intake import services

from .conftest import make_pdf

pytestmark = pytest.mark.django_db


def _pdf_text(document: IssuedDocument) -> str:
    from pypdf import PdfReader

    with document.pdf.open("rb") as handle:
        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages).split())


def _receipts(matter):
    from django.contrib.contenttypes.models import ContentType

    from tiepdan.intake.models import Petition

    petitions = [str(pk) for pk in matter.petitions.values_list("pk", flat=True)]
    return IssuedDocument.objects.filter(kind=DocumentKind.RECEIPT, about_type=ContentType.objects.get_for_model(Petition), about_id__in=petitions).order_by("id")


def test_papers_recorded_at_registration_get_a_numbered_receipt_linked_to_the_petition(official, board_matter):
    matter = board_matter(papers=[{"name": "Quyết định thu hồi đất", "pages": 2, "state": "bản chụp"}, {"name": "Giấy chứng nhận quyền sử dụng đất", "pages": 4, "state": "bản sao có chứng thực"}])
    (receipt,) = _receipts(matter)
    assert receipt.about == matter.petitions.get() and receipt.organisation == official("bantcd").organisation
    assert receipt.number.startswith("01/GBN-") and receipt.pdf_sha256 and receipt.docx_sha256
    text = _pdf_text(receipt)
    for words in ("Mẫu số 02/TCD", "Quyết định thu hồi đất", "Bản phô tô", "Bản sao có chứng thực", "Nguyễn Văn Bình", "6 trang"):
        assert words in text


def test_a_registration_without_papers_issues_no_receipt(board_matter):
    assert not _receipts(board_matter(papers=[])).exists()


def test_papers_added_when_a_returned_matter_is_completed_get_their_own_receipt(official, household):
    matter = household(papers=[])
    services.submit_batch(by=official("canboxa"), batch=matter.batch)
    services.return_batch(by=official("bantcd"), batch=matter.batch, reason="Thiếu quyết định thu hồi đất")
    services.complete_matter(by=official("canboxa"), matter=matter, summary=matter.summary, papers=[{"name": "Quyết định thu hồi đất số 12", "pages": 3, "state": "bản chính"}])
    (receipt,) = _receipts(matter)
    assert receipt.organisation == official("canboxa").organisation and "/GBN-UBND" in receipt.number
    assert "Quyết định thu hồi đất số 12" in _pdf_text(receipt)


def test_a_scanned_paper_attached_later_is_received_with_its_page_count(official, board_matter, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    matter = board_matter(papers=[])
    petition = matter.petitions.get()
    services.add_attachment(by=official("bantcd"), petition=petition, name="bien-ban.pdf", data=make_pdf(3), paper_name="Biên bản hòa giải ở thôn", paper_state="bản sao có chứng thực")
    petition.refresh_from_db()
    assert petition.papers == [{"name": "Biên bản hòa giải ở thôn", "pages": 3, "state": "bản sao có chứng thực"}]
    (receipt,) = _receipts(matter)
    assert "Biên bản hòa giải ở thôn" in _pdf_text(receipt)


def test_the_matter_page_lists_the_receipt_with_a_download(client, official, board_matter):
    matter = board_matter()
    receipt = _receipts(matter).get()
    client.force_login(official("bantcd"))
    page = client.get(f"/vu-viec/{matter.pk}/").content.decode()
    assert "Giấy biên nhận thông tin, tài liệu, bằng chứng (Mẫu 02/TCD)" in page and receipt.number in page
    link = f"/van-ban/{receipt.pk}/pdf/"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
