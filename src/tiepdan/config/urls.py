from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include("tiepdan.organisations.urls")),
    path("nhat-ky/", include("tiepdan.core.urls")),
    path("van-ban/", include("tiepdan.documents.urls")),
    path("vu-viec/", include("tiepdan.intake.urls")),
    path("de-xuat/", include("tiepdan.triage.urls")),
    # Before bridges: the readiness reminders first lived there, and their links keep working.
    path("diem-cau/thong-bao/", include("tiepdan.notifications.urls")),
    path("diem-cau/", include("tiepdan.bridges.urls")),
    path("lich-tiep/", include("tiepdan.scheduling.urls")),
    path("phong-truc-tuyen/", include("tiepdan.live.urls")),
]
