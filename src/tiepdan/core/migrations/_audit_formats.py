"""The audit chain's formats as they were when each migration ran, frozen here so that a later change to
``core.audit`` cannot change what an old migration checks or writes (the loader skips modules named _*).

v1 (0004): one chain over the whole log in id order, MAC over the content without chain or seq.
v2 (0006): one chain per province committee (``chain_of_v2``), MAC over the content with chain and seq;
``tests/core/test_audit_migrations.py`` checks that ``core.audit`` still writes v2.
"""
import functools
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

GENESIS_HASH = "0" * 64


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tiepdan audit chain v1").derive(secret.encode())


def _mac(previous_hash: str, content: str) -> str:
    return hmac.new(_key(settings.AUDIT_HMAC_KEY or settings.SECRET_KEY), (previous_hash + content).encode(), hashlib.sha256).hexdigest()


def _fields(entry) -> dict:
    return {
        "at": entry.at.isoformat(), "actor": entry.actor_id, "actor_label": entry.actor_label, "action": entry.action,
        "object_type": entry.object_type, "object_id": entry.object_id, "object_repr": entry.object_repr,
        "changes": entry.changes, "reason": entry.reason, "ip": entry.ip_address, "ua": entry.user_agent,
        "object_path": entry.object_path, "actor_path": entry.actor_path,
    }


def _dumps(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)


def mac_v1(entry, previous_hash: str) -> str:
    return _mac(previous_hash, _dumps(_fields(entry)))


def chain_of_v2(object_path: str, actor_path: str) -> str:
    for path in (object_path, actor_path):
        parts = [part for part in (path or "").split("/") if part]
        if len(parts) >= 2:
            return f"/{parts[0]}/{parts[1]}/"
    return ""


def mac_v2(entry, previous_hash: str) -> str:
    return _mac(previous_hash, _dumps({**_fields(entry), "chain": entry.chain, "seq": entry.seq}))
