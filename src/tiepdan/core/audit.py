"""Writing and verifying the audit log. Services call ``record``; nothing else needs to remember to.

**The chain.** Each entry's ``entry_hash`` is HMAC-SHA256 over the previous entry's hash and the entry's
content (``chain_mac``). The key is ``settings.AUDIT_HMAC_KEY`` (by default derived from SECRET_KEY) and is
never written to the database, so someone who can change the database can still edit or delete rows, but
cannot write hashes that verify: a rewritten row shows as an HMAC mismatch at that entry.

**Checkpoints.** Deleting the newest rows leaves a shorter chain that is still intact. So the head of the
chain (how many entries, the last one's id and hash, and when) is written outside the database, one signed
JSON line appended per checkpoint (``write_checkpoint``, hourly from ``core.tasks``) to a file under
``settings.AUDIT_CHECKPOINT_DIR``; ``verify_chain`` then names the entries missing since a checkpoint.
What is cut after the last checkpoint cannot be seen: the checkpoint interval bounds the loss, and the
directory should be a disk or machine the database's users cannot write.

The chain logic is kept to ``_lock_chain``, ``_head``, ``seal`` and ``verify_chain`` so that it can become
one chain per province committee without touching the callers.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import context, policy
from .labels import object_label
from .models import AuditEntry

GENESIS_HASH = "0" * 64
# Any 64-bit number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_424_301_905
CHECKPOINT_FILE = "checkpoints.jsonl"


# --- Keys -------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _derive(secret: str, purpose: bytes) -> bytes:
    """32 bytes for one purpose from one secret (HKDF-SHA256), so each key is separate from SECRET_KEY's other uses."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())


def _chain_key() -> bytes:
    return _derive(settings.AUDIT_HMAC_KEY or settings.SECRET_KEY, b"tiepdan audit chain v1")


def _checkpoint_signing_key() -> Ed25519PrivateKey:
    """The key that signs checkpoints: Ed25519, through ``cryptography``.

    Ed25519 rather than an HMAC because a checkpoint can then be checked with the public key alone
    (``checkpoint_public_key``): an inspectorate or a second machine can be given it to check the
    checkpoint file without being able to write a checkpoint that passes. ``cryptography`` is the
    maintained binding to OpenSSL the product already depends on; no signature code of our own.
    """
    seed = _derive(settings.AUDIT_CHECKPOINT_KEY or settings.SECRET_KEY, b"tiepdan audit checkpoint v1")
    return Ed25519PrivateKey.from_private_bytes(seed)


def checkpoint_public_key() -> str:
    """The checkpoints' public key (raw Ed25519, hexadecimal), for whoever checks the file elsewhere."""
    from cryptography.hazmat.primitives import serialization

    raw = _checkpoint_signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


# --- The chain ----------------------------------------------------------------------------
def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so writers are already serialised.


def _head() -> AuditEntry | None:
    """The newest entry of the chain; call with the chain locked."""
    return AuditEntry.objects.order_by("-id").only("id", "entry_hash").first()


def canonical_content(entry) -> str:
    """What the MAC covers: every field but the two hashes. Works on a historical model too (migrations)."""
    return json.dumps(
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "changes": entry.changes,
            "reason": entry.reason,
            "ip": entry.ip_address,
            "ua": entry.user_agent,
            "object_path": entry.object_path,
            "actor_path": entry.actor_path,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )


def chain_mac(previous_hash: str, content: str) -> str:
    return hmac.new(_chain_key(), (previous_hash + content).encode(), hashlib.sha256).hexdigest()


def seal(entry, previous_hash: str) -> None:
    """Link ``entry`` after ``previous_hash`` and compute its MAC."""
    entry.previous_hash = previous_hash
    entry.entry_hash = chain_mac(previous_hash, canonical_content(entry))


def record(*, actor, action: str, obj=None, reason: str = "", changes: dict | None = None, object_type: str = "", object_id: str = "", object_repr: str = "") -> AuditEntry:
    """Append one entry, chained to the previous one.

    ``actor`` is a user or None (the system); ``obj`` a model instance or None.
    Runs inside the caller's transaction: if the service fails, its audit row goes too.
    """
    ctx = context.current()
    has_actor = bool(getattr(actor, "pk", None))
    entry = AuditEntry(
        actor=actor if has_actor else None,
        actor_label=_label(actor),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr or (object_label(obj) if obj is not None else ""))[:300],
        changes=changes or {},
        reason=reason or "",
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
        object_path=_path_of(obj),
        actor_path=_path_of(actor) if has_actor else "",
    )
    with transaction.atomic():
        _lock_chain()
        last = _head()
        entry.at = timezone.now()  # taken under the lock, so the times follow the chain's order
        seal(entry, last.entry_hash if last else GENESIS_HASH)
        entry.save()
        return entry


def _path_of(thing) -> str:
    """The organisation path the policy places ``thing`` at; '' when it has none."""
    if thing is None:
        return ""
    try:
        return getattr(thing, "jurisdiction_path", "") or ""
    except ObjectDoesNotExist:
        return ""


def _label(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "Hệ thống"
    name = getattr(actor, "get_full_name", lambda: "")() or actor.get_username()
    return f"{name} ({actor.get_username()})"[:200]


# --- Checkpoints ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int | None
    head: str
    at: dt.datetime

    @property
    def when(self) -> str:
        return f"{timezone.localtime(self.at):%H:%M:%S ngày %d/%m/%Y}"


def _checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def _signed_bytes(body: dict) -> bytes:
    return json.dumps({k: v for k, v in body.items() if k != "sig"}, sort_keys=True, separators=(",", ":")).encode()


def write_checkpoint() -> Checkpoint:
    """Append a signed line with the chain's head to the checkpoint file (fsync'd before returning)."""
    with transaction.atomic():
        _lock_chain()  # no entry is half-appended while the head and the count are read
        last = _head()
        count = AuditEntry.objects.count()
        at = timezone.now()
    checkpoint = Checkpoint(count=count, last_id=last.pk if last else None, head=last.entry_hash if last else GENESIS_HASH, at=at)
    body = {"count": checkpoint.count, "last_id": checkpoint.last_id, "head": checkpoint.head, "at": timezone.localtime(at).isoformat()}
    body["sig"] = base64.b64encode(_checkpoint_signing_key().sign(_signed_bytes(body))).decode()
    path = _checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as f:
        f.seek(0, os.SEEK_END)
        if f.tell():  # a line cut short by a crash must not swallow this one
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
        f.write(json.dumps(body, ensure_ascii=False).encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())
    return checkpoint


def read_checkpoints() -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints whose signature holds, and a sentence for each line that is damaged or forged."""
    path = _checkpoint_file()
    if not path.exists():
        return [], []
    public_key = _checkpoint_signing_key().public_key()
    good, bad = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            body = json.loads(line)
            public_key.verify(base64.b64decode(body["sig"], validate=True), _signed_bytes(body))
            good.append(Checkpoint(count=int(body["count"]), last_id=body["last_id"], head=str(body["head"]), at=dt.datetime.fromisoformat(body["at"])))
        except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature):
            bad.append(f"Dòng {number} của tệp mốc kiểm tra {path} hỏng hoặc có chữ ký không hợp lệ: tệp mốc đã bị sửa.")
    return good, bad


# --- Verification ------------------------------------------------------------------------------
@dataclass
class ChainReport:
    checked: int
    first_broken_id: int | None = None  # the entry where the chain breaks; None for a cut tail or a forged checkpoint
    problem: str = ""
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole log in order and compare it with every checkpoint; name the first problem.

    Problems, in the order they are reported: a broken link (an entry deleted or inserted), an HMAC that
    does not match (an entry edited, or rewritten without the key), an entry that differs from the
    checkpoint taken when the log had that many entries (the log rewritten), entries missing since a
    checkpoint (a cut tail), a checkpoint line that is damaged or forged.
    """
    checkpoints, damaged = read_checkpoints()
    at_count: dict[int, list[Checkpoint]] = defaultdict(list)
    for checkpoint in checkpoints:
        at_count[checkpoint.count].append(checkpoint)
    expected_previous, checked, last_id = GENESIS_HASH, 0, None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        checked += 1
        if entry.previous_hash != expected_previous:
            return ChainReport(checked, entry.pk, f"Bản ghi #{entry.pk}: liên kết với bản ghi trước bị đứt (có bản ghi bị xóa hoặc chèn).", len(checkpoints))
        if not hmac.compare_digest(chain_mac(entry.previous_hash, canonical_content(entry)), entry.entry_hash):
            return ChainReport(checked, entry.pk, f"Bản ghi #{entry.pk}: mã HMAC không khớp: nội dung đã bị sửa sau khi ghi, hoặc được ghi lại với mã tính lại không có khóa.", len(checkpoints))
        for checkpoint in at_count.get(checked, ()):
            if checkpoint.head != entry.entry_hash:
                return ChainReport(checked, entry.pk, f"Bản ghi #{entry.pk} (bản ghi thứ {checked}) khác với mốc kiểm tra lúc {checkpoint.when}: nhật ký đã bị ghi lại.", len(checkpoints))
        expected_previous, last_id = entry.entry_hash, entry.pk
    longest = max(checkpoints, key=lambda c: (c.count, c.at), default=None)
    if longest is not None and longest.count > checked:
        missing = longest.count - checked
        if last_id is None:
            problem = f"Nhật ký trống nhưng mốc kiểm tra lúc {longest.when} đã có {longest.count} bản ghi: {missing} bản ghi bị mất."
        else:
            problem = f"{missing} bản ghi sau bản ghi #{last_id} bị mất so với mốc kiểm tra lúc {longest.when}."
        return ChainReport(checked, None, problem, len(checkpoints))
    if damaged:
        return ChainReport(checked, None, damaged[0], len(checkpoints))
    return ChainReport(checked, None, "", len(checkpoints))


# --- Who sees what --------------------------------------------------------------------------------
def visible_entries(user, action: str = "audit.view") -> QuerySet:
    """The entries ``user`` may read: those whose object or actor lies in the user's subtree.

    Whoever covers the whole tree also sees the system's own entries (no actor, no object).
    """
    if policy.can(user, action) and policy.covers_whole_tree(user):
        return AuditEntry.objects.all()
    return policy.visible(user, action, AuditEntry.objects.all())


def report_for(user, report: ChainReport) -> ChainReport:
    """What ``user`` is told of a verification: the whole chain is checked, a province hears of its own entries."""
    if policy.covers_whole_tree(user):
        return report
    mine = visible_entries(user, "audit.verify")
    if report.ok:
        return ChainReport(mine.count(), None, "", report.checkpoints)
    if report.first_broken_id is None or mine.filter(pk=report.first_broken_id).exists():
        return report
    return ChainReport(report.checked, None, "Chuỗi nhật ký chung bị can thiệp tại một bản ghi ngoài phạm vi của đơn vị bạn. Hãy báo ngay quản trị hệ thống cấp trung ương.", report.checkpoints)
