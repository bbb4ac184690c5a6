from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include("tiepdan.organisations.urls")),
    path("nhat-ky/", include("tiepdan.core.urls")),
    path("van-ban/", include("tiepdan.documents.urls")),
    path("vu-viec/", include("tiepdan.intake.urls")),
    path("de-xuat/", include("tiepdan.triage.urls")),
    # Before bridges: the readiness reminders first lived there, and their links keep working.
    path("diem-cau/thong-bao/", include("tiepdan.notifications.urls")),
    # A session's readiness board is scheduling's now; the reminders already sent link here.
    path("diem-cau/phien/<int:pk>/", RedirectView.as_view(pattern_name="scheduling_readiness_board", permanent=True)),
    path("diem-cau/", include("tiepdan.bridges.urls")),
    path("lich-tiep/", include("tiepdan.scheduling.urls")),
    path("phong-truc-tuyen/", include("tiepdan.live.urls")),
    path("ghi-hinh/", include("tiepdan.recordings.urls")),
    path("ket-qua/", include("tiepdan.outcomes.urls")),
    path("theo-doi/", include("tiepdan.followup.urls")),
    path("bao-cao/", include("tiepdan.reports.urls")),
]
