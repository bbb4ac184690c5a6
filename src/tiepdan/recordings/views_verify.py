"""The verify page (``/ghi-hinh/kiem-tra/``): is a recording whole and signed by our CA? (REC-FINISH)

Two ways in: a signed-in official picks a recording of their jurisdiction (``recordings.verify``) and the
archive's copy is checked file by file; or anyone (a citizen, a court, another agency, signed in or not)
uploads a manifest and its signature, and learns whether our CA's certificate signed exactly those bytes
and which files and hashes it lists, to compare with the copy they hold.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tiepdan.core import audit, policy

from . import integrity
from .models import Recording, RecordingState

MAX_MANIFEST_BYTES = 32 * 1024 * 1024  # an hour of 25 points lists some 45,000 slices: a few MB
MAX_SIGNATURE_BYTES = 1024 * 1024


class CopyForm(forms.Form):
    manifest = forms.FileField(label="Bản kê (manifest.json)")
    signature = forms.FileField(label="Chữ ký số của bản kê (manifest.p7s)")

    def _read(self, name: str, limit: int) -> bytes:
        upload = self.cleaned_data[name]
        if upload.size > limit:
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB).")
        return upload.read()

    def clean_manifest(self):
        return self._read("manifest", MAX_MANIFEST_BYTES)

    def clean_signature(self):
        return self._read("signature", MAX_SIGNATURE_BYTES)


def _recordings(user):
    if not user.is_authenticated or not policy.can(user, "recordings.verify"):
        return Recording.objects.none()
    finished = Recording.objects.filter(state=RecordingState.FINISHED).select_related("room__session")
    return policy.visible(user, "recordings.verify", finished).order_by("-started_at")[:200]


@require_http_methods(["GET", "POST"])
def verify_page(request):
    recordings = _recordings(request.user)
    report, checked, form = None, None, CopyForm()
    if request.method == "POST" and request.POST.get("recording"):
        if not request.user.is_authenticated or not policy.can(request.user, "recordings.verify"):
            raise PermissionDenied
        checked = policy.get_visible_or_404(request.user, "recordings.verify", Recording.objects.select_related("room__session"),
                                            pk=request.POST.get("recording", "0") if request.POST["recording"].isdigit() else 0)
        report = integrity.verify(checked)
        with transaction.atomic():  # the audit entry after the (long) check, in a transaction of its own
            audit.record(actor=request.user, action="recordings.verify", obj=checked, changes={"ok": report.ok, "problems": len(report.problems)})
    elif request.method == "POST":
        form = CopyForm(request.POST, request.FILES)
        if form.is_valid():
            report = integrity.verify_copy(form.cleaned_data["manifest"], form.cleaned_data["signature"])
    return render(request, "recordings/verify.html", {"recordings": recordings, "form": form, "report": report, "checked": checked,
                                                      "may_pick": request.user.is_authenticated and policy.can(request.user, "recordings.verify")})
