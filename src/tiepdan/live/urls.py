from django.urls import path

from . import views
from .janus.events import janus_events

app_name = "live"

urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("mo/<int:session_id>/", views.open_room, name="open"),
    path("vao/<str:token>/", views.redeem_link, name="redeem"),
    path("<int:room_id>/", views.room_detail, name="room"),
    path("<int:room_id>/diem/<int:point_id>/", views.point_page, name="point"),
    path("<int:room_id>/diem/<int:point_id>/duong-dan/", views.issue_link, name="issue_link"),
    path("duong-dan/<int:link_id>/thu-hoi/", views.revoke_link, name="revoke_link"),
    path("<int:room_id>/chuong-trinh/", views.agenda, name="agenda"),
    path("<int:room_id>/bien-ban/", views.minutes, name="minutes"),
    path("janus/su-kien/", janus_events, name="janus_events"),  # Janus's event handler, loopback only
]
