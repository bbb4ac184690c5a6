from django.urls import path

from . import views_upload

urlpatterns: list = [
    # the recorder's upload API (REC-CORE: views_upload.py; CONTRACTS §2)
    path("phong/<int:room_id>/luong/", views_upload.open_track, name="recordings_open_track"),
    path("luong/<int:track_id>/", views_upload.track_state, name="recordings_track_state"),
    path("luong/<int:track_id>/doan/<int:seq>/", views_upload.put_slice, name="recordings_put_slice"),
    path("luong/<int:track_id>/ket-thuc/", views_upload.close_track, name="recordings_close_track"),
]
