"""The Chairman's list of proposed matters, as the Chairman sees it."""
import re

import pytest

from tiepdan.triage import services
from tiepdan.triage.rules import Ground

pytestmark = pytest.mark.django_db


def _checkbox(page: str, value: int) -> str:
    return re.search(rf'<input type="checkbox" name="agencies_required" value="{value}"[^>]*>', page).group(0)


def test_the_decision_form_starts_with_the_agencies_the_board_proposed(official, board_matter, demo, client):
    board = official("bantcd")
    m = services.classify(by=board, matter=board_matter(wants_online=True), kind="complaint", subject_area="land", agencies_involved=[demo["Sở NN&MT"], demo["Sở TC"]])
    services.propose(by=board, matter=m, ground=Ground.ART20_COMPLEX, reason="Cần Sở NN&MT và Sở Tài chính cùng đối thoại")
    client.force_login(official("chutich"))
    page = client.get("/de-xuat/").content.decode()
    assert "checked" in _checkbox(page, demo["Sở NN&MT"].pk) and "checked" in _checkbox(page, demo["Sở TC"].pk)
    others = [pk for pk in map(int, re.findall(r'name="agencies_required" value="(\d+)"', page)) if pk not in (demo["Sở NN&MT"].pk, demo["Sở TC"].pk)]
    assert others and not any("checked" in _checkbox(page, pk) for pk in others)
