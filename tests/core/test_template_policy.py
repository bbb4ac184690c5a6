"""Templates ask the policy with ``can.<app>__<action>``, the same answer as ``policy.can``."""
from django.template import Context, Template
from django.test import RequestFactory

from tiepdan.core.context_processors import product


def _render(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% if can.people__manage %}quản lý{% else %}không{% endif %}").render(Context(product(request)))


def test_a_template_asks_the_policy_with_double_underscores(official):
    assert _render(official("quantri")) == "quản lý"
    assert _render(official("canboxa")) == "không"
