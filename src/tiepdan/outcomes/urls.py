from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/trinh/", views.submit, name="submit"),
    path("<int:pk>/tra-lai/", views.return_notice, name="return"),
    path("<int:pk>/duyet/", views.approve, name="approve"),
    path("<int:pk>/ban-hanh/", views.issue, name="issue"),
    path("muc/<int:pk>/", views.item_save, name="item"),
    path("muc/<int:pk>/giao/", views.directive_add, name="directive_add"),
    path("giao/<int:pk>/xoa/", views.directive_remove, name="directive_remove"),
    path("phien/<int:session_pk>/lap/", views.draft_for_session, name="draft_for_session"),
]
