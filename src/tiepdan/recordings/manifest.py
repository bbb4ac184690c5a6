"""The recording's manifest: what was recorded, every slice's and file's hash, signed by the agency.

Decree 154/2026 Art. 24: the recording has the legal value of paper once digitally signed. What is signed
is this manifest (canonical JSON: keys sorted, UTF-8, two-space indent, one final newline), as a detached
CMS signature (``documents.signing``, CAdES-BES with a timestamp when a TSA is configured), so that the
files themselves stay as they are and anyone checks them with standard tools::

    openssl cms -verify -binary -inform DER -in manifest.p7s -content manifest.json -CAfile ca.pem -purpose any
    sha256sum <each file the manifest lists>

Times are ISO 8601 in Vietnam's time (+07:00). The restricted stretches are listed by time only: their
reasons stay in the database, behind the rights that read them (a copy of the manifest travels).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit
from tiepdan.documents import signing

from .models import Recording
from .storage import get_store

FORMAT = "tiepdan-recording-manifest/1"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
UNSIGNED = "Bản kê chưa ký số: máy chủ chưa được cấu hình chứng thư số (SIGNING_PKCS12_PATH), bản ghi chưa có giá trị như văn bản giấy."


def iso(at: datetime | None) -> str | None:
    return None if at is None else timezone.localtime(at, VIETNAM).isoformat(timespec="milliseconds")


def canonical(document: dict) -> bytes:
    """The manifest's bytes: the same document always gives the same bytes (what the signature covers)."""
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _file(key: str | None, sha256: str, size: int | None, **extra) -> dict | None:
    if not key:
        return None
    return {"key": key, "sha256": sha256, "size_bytes": size, **extra}


def build(recording: Recording, *, points: dict, chapters: list, problems: list[str]) -> dict:
    """The manifest of ``recording`` as a dict (``points``: point id → ``finishing.PointResult``)."""
    store = get_store()
    room = recording.room
    session = room.session
    tracks_by_point: dict[int, list] = {}
    for track in recording.tracks.order_by("point_id", "started_at", "pk"):
        tracks_by_point.setdefault(track.point_id, []).append(track)
    listed_points = []
    for point in room.points.select_related("organisation").order_by("pk"):
        takes = []
        for track in tracks_by_point.get(point.pk, []):
            slices = [{"seq": s.seq, "size_bytes": s.size_bytes, "sha256": s.sha256, "key": s.storage_key, "received_at": iso(s.received_at)}
                      for s in track.slices.order_by("seq")]
            takes.append({
                "take": str(track.take), "source": track.source, "mime_type": track.mime_type,
                "started_at": iso(track.started_at), "closed_at": iso(track.closed_at), "last_seq": track.last_seq,
                "missing": track.gaps or [], "slices": slices,
                "file": _file(track.file.name if track.file else None, track.file_sha256,
                              store.size(track.file.name) if track.file and store.exists(track.file.name) else None,
                              duration_s=round(track.duration_s or 0.0, 3)),
            })
        result = points.get(point.pk)
        listed_points.append({
            "id": point.pk, "name": point.name, "organisation": point.organisation.name, "role": point.role,
            "takes": takes,
            "file": None if result is None else _file(result.key, result.sha256, result.size_bytes, duration_s=round(result.duration_s, 3),
                                                      offset_s=round(result.offset_s, 3), has_video=result.has_video, has_audio=result.has_audio),
            "stretches": [] if result is None else result.stretches,
            "gaps": [] if result is None else result.gaps,
        })
    restricted = [{"started_at": iso(r.started_at), "ended_at": iso(r.ended_at), "agenda_item": r.agenda_item_id,
                   "start_s": round((r.started_at - recording.started_at).total_seconds(), 3),
                   "end_s": None if r.ended_at is None else round((r.ended_at - recording.started_at).total_seconds(), 3)}
                  for r in recording.restricted_stretches.order_by("started_at", "pk")]
    return {
        "format": FORMAT,
        "recording": {"id": recording.pk, "started_at": iso(recording.started_at), "ended_at": iso(recording.ended_at),
                      "retention_until": recording.retention_until.isoformat() if recording.retention_until else None},
        "session": {"id": session.pk, "title": str(session), "date": session.date.isoformat() if getattr(session, "date", None) else None,
                    "province_committee": room.province_committee.name},
        "room": {"id": room.pk, "backend": room.backend, "started_at": iso(room.started_at), "closed_at": iso(room.closed_at)},
        "points": listed_points,
        "chapters": [{"title": c.title, "agenda_item": c.agenda_item_id, "start_s": c.start_s, "end_s": c.end_s,
                      "thumbnail": _file(c.thumbnail.name if c.thumbnail else None, _sha_of(store, c.thumbnail.name) if c.thumbnail else "",
                                         store.size(c.thumbnail.name) if c.thumbnail else None)} for c in chapters],
        "restricted": restricted,
        "gaps": [{"point": p["id"], "start_s": a, "end_s": b} for p in listed_points for a, b in p["gaps"]],
        "composed": _file(recording.composed.name if recording.composed else None,
                          _sha_of(store, recording.composed.name) if recording.composed else "",
                          store.size(recording.composed.name) if recording.composed else None),
        "problems": [p for p in problems if p != UNSIGNED],
    }


def _sha_of(store, key: str) -> str:
    digest = hashlib.sha256()
    with store.open(key) as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Sealed:
    key: str
    sha256: str
    signed: bool
    problems: list


def seal(recording: Recording, *, points: dict, chapters: list, problems: list[str]) -> Sealed:
    """Write the manifest to the store and sign it (when a signer is configured); the recording keeps both.

    Without a signer the recording is finished all the same, and says «chưa ký số» among its problems."""
    store = get_store()
    data = canonical(build(recording, points=points, chapters=chapters, problems=problems))
    key = f"recordings/{recording.pk}/manifest.json"
    store.put_atomic(key, data)
    sha = hashlib.sha256(data).hexdigest()
    signature_key, signed_at, timestamped_at = "", None, None
    problems = [p for p in problems if p != UNSIGNED]
    try:
        signer = signing.get_signer()
    except signing.SigningUnavailable:
        signer = None
    if signer is not None:
        signature = signer.sign_detached(data)
        signature_key = f"recordings/{recording.pk}/manifest.p7s"
        store.put_atomic(signature_key, signature)
        checked = signing.verify_detached(data, signature)
        signed_at, timestamped_at = checked.signed_at or timezone.now(), checked.timestamp
    else:
        problems.append(UNSIGNED)
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        locked.manifest.name, locked.manifest_sha256 = key, sha
        locked.signature.name, locked.signed_at, locked.timestamped_at = signature_key, signed_at, timestamped_at
        locked.problems = problems
        locked.save(update_fields=["manifest", "manifest_sha256", "signature", "signed_at", "timestamped_at", "problems"])
        audit.record(actor=None, action="recordings.sealed", obj=locked, changes={"manifest_sha256": sha, "signed": bool(signature_key)})
    recording.refresh_from_db()
    return Sealed(key, sha, bool(signature_key), problems)
