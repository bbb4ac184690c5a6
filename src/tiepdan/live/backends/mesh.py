"""The no-services media path: browsers connect to each other, the server only relays signalling.

Two topologies (docs/MEDIA.md, "Topology"):
- ``mesh``: every point sends to every other; each point uploads N-1 streams,
  which a commune's 5 Mbps link and an ordinary PC hold to about 4 points.
- ``star``: every other point connects only to the central point's browser,
  which re-sends its own picture and the spotlighted speaker's to everyone.

Both run in ``live/static/live/media/mesh.js``; the topology is a credential.
"""
from __future__ import annotations

from . import MediaBackend, ice_servers


class MeshBackend(MediaBackend):
    name = "mesh"
    client_module = "mesh.js"
    topology = "mesh"

    def open_room(self, room) -> None:
        # Nothing to prepare: the signalling consumer is the whole server side.
        return None

    def close_room(self, room) -> None:
        return None

    def credentials_for(self, room, point) -> dict:
        central = room.central_point()
        return {
            "backend": self.name,
            "module": self.client_module,
            "topology": self.topology,
            "ice_servers": ice_servers(),
            "central_point_id": str(central.pk) if central else None,
            "max_bitrate_kbps": room.max_bitrate_kbps,
        }

    def healthy(self) -> bool:
        return True


class StarBackend(MeshBackend):
    name = "star"
    topology = "star"
