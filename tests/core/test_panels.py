"""core.panels: a page drawn from what each stage contributes (the matter page)."""
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from tiepdan.core import panels


def test_panels_are_drawn_in_order_and_those_with_nothing_to_show_are_left_out():
    slot = "test.page"
    panels.register(slot, "later", lambda request, obj: mark_safe(f"<p>later {obj}</p>"), order=20)
    panels.register(slot, "earlier", lambda request, obj: mark_safe(f"<p>earlier {obj}</p>"), order=10)
    panels.register(slot, "silent", lambda request, obj: "", order=15)
    request = RequestFactory().get("/")
    assert panels.render(slot, request, 7) == ["<p>earlier 7</p>", "<p>later 7</p>"]
    panels.register(slot, "earlier", lambda request, obj: mark_safe("<p>replaced</p>"), order=10)  # ready() twice: replaced, not doubled
    assert panels.render(slot, request, 7) == ["<p>replaced</p>", "<p>later 7</p>"]


def test_a_panel_returning_plain_text_cannot_inject_markup():
    panels.register("test.escape", "plain", lambda request, obj: "<script>x</script>", order=10)
    assert panels.render("test.escape", RequestFactory().get("/"), None) == ["&lt;script&gt;x&lt;/script&gt;"]


def test_the_stages_draw_their_panels_on_the_matter_page_in_the_order_of_a_matters_life():
    assert panels.registered(panels.MATTER_ACTIONS) == ["triage.actions", "triage.refusal", "outcomes.conclusion", "followup.tasks"]
    assert panels.registered(panels.MATTER_HISTORY) == ["triage.history", "recordings.chapters"]
