"""How every form of the back office renders: one template for a form, one for a field.

WCAG 2.1 AA 3.3.1 (error identification), 3.3.2 (labels or instructions), 4.1.3 (status messages):
a form that fails is announced by an error summary (``role=alert``, at the top of the form, each error a
link to its field; ``core/app.js`` moves the focus to it), a required field says so to the eye (a marker
in its label) and to assistive technology (``required`` and ``aria-required``), and each error is tied to
its field by ``aria-describedby`` (Django's ``BoundField`` does that once the error list carries its id,
which the default error list does).

``settings.FORM_RENDERER`` names ``FormRenderer``, so ``{{ form }}`` renders this way in every app.
"""
from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class AccessibleBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        # Some screen readers still announce "required" only from aria-required.
        if attrs.get("required"):
            attrs["aria-required"] = "true"
        return attrs


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = AccessibleBoundField

    def render(self, template_name, context, request=None):
        if template_name == self.form_template_name and "form" in context:
            form = context["form"]
            # One note above the fields explains the marker, only where a field carries it.
            context["any_required"] = any(f.field.required and not f.is_hidden for f in form)
            context["error_summary"] = error_summary(form)
        return super().render(template_name, context, request)


def error_summary(form) -> list[tuple[str | None, str]]:
    """(link to the field or None, message) for each error of a bound form, in the order of the fields."""
    items: list[tuple[str | None, str]] = [(None, str(e)) for e in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            # Our messages mostly name their field already ("Ngày sinh: ..."); Django's own do not.
            text = error if ":" in error[:80] else f"{field.label}: {error}"
            items.append((None if field.is_hidden else f"#{field.id_for_label}", text))
    return items
