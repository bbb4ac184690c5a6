from django.urls import path

from . import views

app_name = "triage"
urlpatterns = [
    path("", views.proposals, name="proposals"),
    path("vu-viec/<int:pk>/phan-loai/", views.classify, name="classify"),
    path("vu-viec/<int:pk>/de-xuat/", views.propose, name="propose"),
    path("vu-viec/<int:pk>/khong-de-xuat/", views.decline, name="decline"),
    path("vu-viec/<int:pk>/tra-lai/", views.return_matter, name="return"),
    path("vu-viec/<int:pk>/lap-lai/", views.link_repeat, name="link_repeat"),
    path("vu-viec/<int:pk>/quyet-dinh/", views.decide, name="decide"),
    path("vu-viec/<int:pk>/tu-choi/", views.refuse, name="refuse"),
    path("vu-viec/<int:pk>/tra-loi.<str:fmt>", views.reply, name="reply"),
]
