from django.urls import path

from . import views, views_upload, views_verify

urlpatterns: list = [
    # the recorder's upload API (REC-CORE: views_upload.py; CONTRACTS §2)
    path("phong/<int:room_id>/luong/", views_upload.open_track, name="recordings_open_track"),
    path("luong/<int:track_id>/", views_upload.track_state, name="recordings_track_state"),
    path("luong/<int:track_id>/doan/<int:seq>/", views_upload.put_slice, name="recordings_put_slice"),
    path("luong/<int:track_id>/ket-thuc/", views_upload.close_track, name="recordings_close_track"),
    path("luong/<int:track_id>/dong-ho/", views_upload.track_clock, name="recordings_track_clock"),
    # playback, downloads, storage, restricted stretches (REC-VIEW: views.py)
    path("<int:pk>/xem/", views.player, name="recordings_player"),
    path("<int:pk>/diem/<int:pf_id>/tep/", views.point_file, name="recordings_point_file"),
    path("<int:pk>/diem/<int:pf_id>/doan/<str:window_key>/", views.clip, name="recordings_clip"),
    path("<int:pk>/chuong/<int:chapter_id>/anh/", views.thumbnail, name="recordings_thumbnail"),
    path("<int:pk>/tai-ve/", views.download, name="recordings_download"),
    path("luu-tru/", views.storage_page, name="recordings_storage"),
    path("phong/<int:room_id>/han-che/", views.mark_restricted, name="recordings_mark_restricted"),
    path("han-che/<int:stretch_id>/ket-thuc/", views.end_restricted, name="recordings_end_restricted"),
    # is a recording whole and signed (REC-FINISH: views_verify.py)
    path("kiem-tra/", views_verify.verify_page, name="recordings_verify"),
]
