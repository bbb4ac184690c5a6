"""Every form that fails is announced and tells which fields are required (WCAG 2.1 AA 3.3.1, 3.3.2, 4.1.3).

The shared form rendering (core/forms.py) is what the apps' pages use; these tests read the pages a user fills.
"""
import pytest
from lxml import html

pytestmark = pytest.mark.django_db


def _failed_registration(client, official, communes):
    client.force_login(official("bantcd"))
    response = client.post("/vu-viec/dang-ky/", {"channel": "in_person", "full_name": "", "id_number": "12", "kind": "complaint", "summary": ""})
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


@pytest.fixture
def communes(demo):
    from tiepdan.organisations.models import Organisation

    return list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=demo["committee"])[:1])


def test_a_failed_registration_opens_with_an_alert_listing_each_error_linked_to_its_field(client, official, communes):
    page = _failed_registration(client, official, communes)
    form = page.xpath("//main//form[.//*[@name='full_name']]")[0]
    summary = form.xpath(".//*[@role='alert']")
    assert summary, "no error summary with role=alert in the form"
    summary = summary[0]
    assert form.xpath(".//*[@role='alert']/preceding::input[@name='full_name']") == []  # at the top, before the fields
    assert summary.get("tabindex") == "-1" and summary.get("data-error-summary") is not None  # app.js focuses it
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
    invalid = form.xpath(".//*[@aria-invalid='true']")
    assert {f"#{el.get('id')}" for el in invalid} <= set(links), (links, [el.get("id") for el in invalid])
    assert "#id_full_name" in links and "Họ và tên" in links["#id_full_name"]


def test_each_error_is_described_by_its_message(client, official, communes):
    page = _failed_registration(client, official, communes)
    field = page.get_element_by_id("id_full_name")
    described = field.get("aria-describedby", "").split()
    assert described, "the name field has no aria-describedby"
    messages = [page.get_element_by_id(i).text_content() for i in described]
    assert any("bắt buộc" in m for m in messages), messages


def test_required_fields_are_marked_to_the_eye_and_to_assistive_technology(client, official):
    client.force_login(official("bantcd"))
    page = html.fromstring(client.get("/vu-viec/dang-ky/").content.decode())
    name = page.get_element_by_id("id_full_name")
    assert name.get("required") is not None and name.get("aria-required") == "true"
    label = page.xpath("//label[@for='id_full_name']")[0]
    assert label.xpath(".//*[contains(@class, 'required-mark')]"), "no visible marker in the label"
    assert "bắt buộc" in page.xpath("//main//form[.//*[@name='full_name']]")[0].text_content()
    optional = [el for el in page.xpath("//main//form//input[@name='phone']")]
    if optional:
        assert optional[0].get("aria-required") is None


@pytest.mark.parametrize(("username", "url"), [
    ("bantcd", "/vu-viec/dang-ky/"), ("bantcd", "/vu-viec/lien-he/"), ("canboxa", "/vu-viec/danh-sach-xa/"), ("bantcd", "/lich-tiep/dot-xuat/"),
    ("bantcd", "/lich-tiep/cau-hinh/"), ("quantri", "/can-bo/them/"), ("chutich", "/uy-quyen/"),
])
def test_every_form_that_fails_is_announced_the_same_way(client, official, username, url):
    client.force_login(official(username))
    response = client.post(url, {"_": ""})  # a form sent empty (an empty POST reads as unbound)
    assert response.status_code == 200, (url, response.status_code)
    page = html.fromstring(response.content.decode())
    assert page.xpath("//main//form//*[@role='alert' and @data-error-summary]//a[starts-with(@href, '#id_')]"), f"{url}: an empty form posted shows no error summary"
