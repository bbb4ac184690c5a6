"""``{% options %}``: a select's options from (value, label) pairs, the chosen one marked, labels escaped."""
from __future__ import annotations

from django.template import engines


def _render(source: str, **context) -> str:
    return engines["django"].from_string("{% load choices %}" + source).render(context)


def test_the_chosen_value_is_marked_whatever_its_type_and_labels_are_escaped():
    html = _render("{% options pairs chosen %}", pairs=[(1, "Tháng 1"), (2, "Xã <Đổi> & \"Tên\"")], chosen="2")
    assert html == '<option value="1">Tháng 1</option><option value="2" selected>Xã &lt;Đổi&gt; &amp; &quot;Tên&quot;</option>'


def test_nothing_is_marked_without_a_chosen_value():
    assert "selected" not in _render("{% options pairs %}", pairs=[("month", "Tháng"), ("", "Tất cả")])
