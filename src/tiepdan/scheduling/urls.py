from django.urls import path

from . import views

urlpatterns = [
    path("", views.session_list, name="scheduling_sessions"),
    path("lap-lich/", views.generate, name="scheduling_generate"),
    path("dot-xuat/", views.create_ad_hoc, name="scheduling_ad_hoc"),
    path("cau-hinh/", views.reception_settings, name="scheduling_settings"),
    path("lich-cua-don-vi/", views.calendar_feed, name="scheduling_feed"),
    path("ics/<str:token>.ics", views.calendar_ics, name="scheduling_ics"),
    path("<int:pk>/", views.session_detail, name="scheduling_session"),
    path("<int:pk>/trang-thai/", views.change_status, name="scheduling_status"),
    path("<int:pk>/huy/", views.cancel, name="scheduling_cancel"),
    path("<int:pk>/chu-tri/", views.assign_chair, name="scheduling_chair"),
    path("<int:pk>/ghi-bien-ban/", views.assign_minute_taker, name="scheduling_minute_taker"),
    path("<int:pk>/moi/", views.invite, name="scheduling_invite"),
    path("<int:pk>/doi-lich/", views.change_time, name="scheduling_change_time"),
    path("<int:pk>/chuong-trinh/xep/", views.fill_agenda, name="scheduling_fill_agenda"),
    path("<int:pk>/chuong-trinh/<int:item_pk>/thu-tu/", views.reorder, name="scheduling_reorder"),
    path("<int:pk>/giay-moi/", views.send_invitations, name="scheduling_send_invitations"),
    path("<int:pk>/diem-cau/", views.readiness_board, name="scheduling_readiness_board"),
]
