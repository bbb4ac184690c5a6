from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/phong-truc-tuyen/<int:room_id>/diem/<int:point_id>/", consumers.RoomConsumer.as_asgi()),
]
