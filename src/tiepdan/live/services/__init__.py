"""The verbs of the live room. Every state change happens here: one transaction, one audit record,
one ``RoomEvent``, and (after commit) a fresh snapshot pushed to every connected point.

The signalling consumer, the console's HTTP views and the tests all call these functions
(``from tiepdan.live import services; services.mute(...)``); each lives in the module of its part
of the room:

- ``rooms``: open, start and close the room; the recording indicator;
- ``media``: the media path (Janus or the no-services path) and the fall-back when the SFU fails;
- ``links``: join links for a point's PC;
- ``devices``: the browsers at a point, their roles, who publishes the point's media;
- ``chair``: the chair's commands on the points (admit, remove, let back, mute, floor, spotlight, timer);
- ``matters``: receiving the agenda's matters in turn;
- ``minutes``: the minutes of each matter;
- ``common``: what they share (the refusal ``LiveError``, locks, the room's trail, the push after commit).

Who may sit at a point (``connection_refusal`` and the device-role defaults) only reads, and is in
``live.access``; it is named here too, because the consumer and the pages ask it beside the verbs.
"""
from ..access import connection_refusal, default_device_role, device_choices, may_connect
from .chair import admit, give_floor, let_back, note_screen_share, remove, set_muted, set_spotlight, set_timer
from .common import MUTE_EVENTS, LiveError, enforce_mutes
from .devices import deny_media, device_connected, device_disconnected, grant_media, report_quality
from .links import issue_join_link, redeem_join_link, revoke_join_link
from .matters import call_next, close_matter, next_item, start_matter
from .media import SFU_UNREACHABLE, check_sfu_rooms, choose_backend, fallback_backend, open_media, revoke_media, sfu_failed, switch_backend
from .minutes import minutes_refusal, save_minutes
from .rooms import close_room, open_room, set_recording, start_session

__all__ = [
    "LiveError", "MUTE_EVENTS", "SFU_UNREACHABLE",
    # rooms
    "open_room", "start_session", "close_room", "set_recording",
    # media
    "fallback_backend", "choose_backend", "switch_backend", "open_media", "sfu_failed", "check_sfu_rooms", "enforce_mutes", "revoke_media",
    # links
    "issue_join_link", "revoke_join_link", "redeem_join_link",
    # who may sit at a point (live.access)
    "connection_refusal", "may_connect", "default_device_role", "device_choices",
    # devices
    "device_connected", "device_disconnected", "grant_media", "deny_media", "report_quality",
    # chair
    "admit", "remove", "let_back", "set_muted", "give_floor", "set_spotlight", "set_timer", "note_screen_share",
    # matters
    "start_matter", "close_matter", "next_item", "call_next",
    # minutes
    "minutes_refusal", "save_minutes",
]
