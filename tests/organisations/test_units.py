from tiepdan.organisations.models import AdministrativeUnit
from tiepdan.organisations.services import load_administrative_units


def test_loader_gives_34_provinces_and_3321_communes_and_is_idempotent(db):
    assert load_administrative_units() == (34, 3321)
    assert load_administrative_units() == (34, 3321)
    lang_son = AdministrativeUnit.objects.get(code="20")
    assert lang_son.name == "Lạng Sơn"
    assert lang_son.children.count() == AdministrativeUnit.objects.filter(parent=lang_son).count() > 50
    hoan_kiem = AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm")
    assert hoan_kiem.parent.name == "Thành phố Hà Nội"
    assert hoan_kiem.name_folded == "phuong hoan kiem"


def test_every_commune_belongs_to_a_province(db):
    load_administrative_units()
    assert not AdministrativeUnit.objects.filter(level="commune", parent__isnull=True).exists()
    assert not AdministrativeUnit.objects.filter(level="commune", parent__level="commune").exists()
