"""Writing and verifying the audit log. Services call ``record``; nothing else needs to remember to.

**Chains, one per province committee.** The log is not one chain but several: one per organisation
directly under Central (each province committee's subtree; each Central agency's too) and one national
chain for what has no province (Central itself, the system). ``chain_of`` places an entry by its own
recorded paths, the object's province first, else the actor's, so the chain can be recomputed from the
entry and does not change when an organisation is later moved. Each entry has its place in its chain
(``seq``: 1, 2, 3..., unique with the chain) and is linked to the entry before it in that chain.

**Why per-province chains and not one sequence chained by a single writer.** Appending takes the chain's
head row (``AuditChainHead``) with SELECT ... FOR UPDATE inside the caller's transaction, so the order of
a chain is the order its entries committed, and writers of different provinces never wait for each other
(at the national peak, about 850 points join, spread over 63 provinces). The alternative (everyone inserts
unchained rows by a global sequence, and one background writer chains them afterwards) queues nobody, but
leaves each entry unsealed until the chainer reaches it (the window an intruder would use), needs that
worker always running, and must tell a sequence number still in flight from one rolled back, since
sequence numbers commit out of order. Per-province chains keep each entry sealed in its own transaction.
The price: a transaction that writes entries of two provinces holds both chains' rows until it commits,
and two such transactions taking them in opposite order deadlock (PostgreSQL aborts one). Services act
on one object's province, so this is rare; a chain's lock is held as long as its service's transaction.
On SQLite transactions start IMMEDIATE (settings), so writers are serialised by the database anyway.

**The MAC.** Each entry's ``entry_hash`` is HMAC-SHA256 over the previous entry's hash in its chain and
the entry's content, chain and seq included (``chain_mac``). The key is ``settings.AUDIT_HMAC_KEY`` (by
default derived from SECRET_KEY) and is never written to the database, so someone who can change the
database can still edit, move or delete rows, but cannot write hashes that verify: a rewritten row shows
as an HMAC mismatch at that entry, a deleted one as a gap in its chain's seq.

**Checkpoints.** Deleting the newest rows of a chain leaves a shorter chain that is still intact. So every
chain's head (how many entries, the last one's id and hash) is written outside the database, one signed
JSON line per checkpoint with all the chains' heads (``write_checkpoint``, hourly from ``core.tasks``), to
a file under ``settings.AUDIT_CHECKPOINT_DIR``; ``verify_chain`` then names the entries missing from a
chain since a checkpoint. The heads are read in one statement, without locking any chain. What is cut
after the last checkpoint cannot be seen (unless the head row was left behind): the checkpoint interval
bounds the loss, and the directory should be a disk or machine the database's users cannot write.
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
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import context, policy
from .labels import object_label
from .models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
NATIONAL_CHAIN = ""  # the chain of entries with no province: Central itself, the system
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
    raw = _checkpoint_signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


# --- The chain ----------------------------------------------------------------------------
def chain_of(object_path: str, actor_path: str) -> str:
    """The chain an entry belongs to: the path of its object's province-level organisation ("/1/4/"),
    else its actor's; the national chain when neither lies below Central.
    """
    for path in (object_path, actor_path):
        parts = [part for part in (path or "").split("/") if part]
        if len(parts) >= 2:
            return f"/{parts[0]}/{parts[1]}/"
    return NATIONAL_CHAIN


def chain_label(chain: str) -> str:
    return "chuỗi quốc gia" if chain == NATIONAL_CHAIN else f"chuỗi {chain}"


def _lock_chain(chain: str) -> AuditChainHead:
    """The chain's head row, locked until the caller's transaction ends (a row lock: other chains go on)."""
    heads = AuditChainHead.objects.select_for_update()  # SQLite: no-op, its writers are serialised anyway
    head = heads.filter(chain=chain).first()
    if head is None:
        # The chain's first entry. A writer racing to create it too waits on the unique index, inserts
        # nothing, and then locks the row this one made.
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain, last_hash=GENESIS_HASH)], ignore_conflicts=True)
        head = heads.get(chain=chain)
    return head


def canonical_content(entry) -> str:
    """What the MAC covers: every field but the two hashes, the chain and the place in it included.

    Works on a historical model too. Changing it needs a new format in ``migrations/_audit_formats.py``
    and a migration that re-chains (``tests/core/test_audit_migrations.py`` holds the two together).
    """
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
            "chain": entry.chain,
            "seq": entry.seq,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )


def chain_mac(previous_hash: str, content: str) -> str:
    return hmac.new(_chain_key(), (previous_hash + content).encode(), hashlib.sha256).hexdigest()


def seal(entry, previous_hash: str) -> None:
    """Link ``entry`` after ``previous_hash`` and compute its MAC (``chain`` and ``seq`` already set)."""
    entry.previous_hash = previous_hash
    entry.entry_hash = chain_mac(previous_hash, canonical_content(entry))


def record(*, actor, action: str, obj=None, reason: str = "", changes: dict | None = None, object_type: str = "", object_id: str = "", object_repr: str = "") -> AuditEntry:
    """Append one entry to its province's chain.

    ``actor`` is a user or None (the system); ``obj`` a model instance or None.
    Runs inside the caller's transaction: if the service fails, its audit row goes too, and the chain's
    head stays locked until the caller commits, so entries of one chain commit in the order of ``seq``.
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
    entry.chain = chain_of(entry.object_path, entry.actor_path)
    # No savepoint: a failure here must fail the caller's transaction, not leave it going on unaudited.
    with transaction.atomic(savepoint=False):
        head = _lock_chain(entry.chain)
        entry.seq = head.count + 1
        entry.at = timezone.now()  # taken under the lock, so the times follow the chain's order
        seal(entry, head.last_hash)
        entry.save()
        head.count, head.last_id, head.last_hash = entry.seq, entry.pk, entry.entry_hash
        head.save(update_fields=["count", "last_id", "last_hash"])
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
class ChainMark:
    """One chain's head as a checkpoint saw it."""

    count: int
    last_id: int | None
    head: str


@dataclass(frozen=True)
class Checkpoint:
    chains: dict[str, ChainMark]
    at: dt.datetime

    @property
    def count(self) -> int:
        return sum(mark.count for mark in self.chains.values())

    @property
    def when(self) -> str:
        return f"{timezone.localtime(self.at):%H:%M:%S ngày %d/%m/%Y}"


def _checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def _signed_bytes(body: dict) -> bytes:
    return json.dumps({k: v for k, v in body.items() if k != "sig"}, sort_keys=True, separators=(",", ":")).encode()


def write_checkpoint() -> Checkpoint:
    """Append a signed line with every chain's head to the checkpoint file (fsync'd before returning).

    The heads are read in one statement: each is updated in its entry's transaction, so what is read is
    the newest committed entry of every chain, and no writer waits for the checkpoint.
    """
    heads = list(AuditChainHead.objects.order_by("chain").values_list("chain", "count", "last_id", "last_hash"))
    at = timezone.now()
    checkpoint = Checkpoint(chains={chain: ChainMark(count, last_id, last_hash) for chain, count, last_id, last_hash in heads}, at=at)
    body = {
        "v": 2,
        "chains": {chain: {"count": mark.count, "last_id": mark.last_id, "head": mark.head} for chain, mark in checkpoint.chains.items()},
        "at": timezone.localtime(at).isoformat(),
    }
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
    """The checkpoints whose signature holds, and a sentence for each line that is damaged or forged.

    A signed line without ``chains`` was written before the log had one chain per province (migration
    0006, which checked that single chain before re-chaining): it is genuine but describes no chain now.
    """
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
            if "chains" not in body:
                continue
            chains = {str(chain): ChainMark(int(mark["count"]), mark["last_id"], str(mark["head"])) for chain, mark in body["chains"].items()}
            good.append(Checkpoint(chains=chains, at=dt.datetime.fromisoformat(body["at"])))
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, InvalidSignature):
            bad.append(f"Dòng {number} của tệp mốc kiểm tra {path} hỏng hoặc có chữ ký không hợp lệ: tệp mốc đã bị sửa.")
    return good, bad


# --- Verification ------------------------------------------------------------------------------
@dataclass
class ChainReport:
    """What verifying one chain found: its first problem, if any."""

    chain: str
    checked: int
    first_broken_id: int | None = None  # the entry where the chain breaks; None for a cut tail
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass
class AuditReport:
    """Every chain verified, each with its own first problem, and the checkpoint file's damaged lines."""

    chains: list[ChainReport]
    damaged: list[str]
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains)

    @property
    def broken(self) -> list[ChainReport]:
        return [chain for chain in self.chains if not chain.ok]

    @property
    def first_broken_id(self) -> int | None:
        return next((chain.first_broken_id for chain in self.broken if chain.first_broken_id is not None), None)

    @property
    def problems(self) -> list[str]:
        """One sentence per broken chain, naming the chain, then one per damaged checkpoint line."""
        return [f"{chain_label(chain.chain).capitalize()}: {chain.problem}" for chain in self.broken] + self.damaged

    @property
    def problem(self) -> str:
        return " ".join(self.problems)


def verify_chain(chains: list[str] | None = None, batch_size: int = 5000) -> AuditReport:
    """Walk each chain (every chain, or those named) in order and compare it with its head and every
    checkpoint; name each chain's first problem.

    Problems, in the order they are reported within a chain: a broken link (an entry deleted or
    inserted), an HMAC that does not match (an entry edited, moved to another chain, or rewritten
    without the key), an entry that differs from the checkpoint or the head row taken when the chain had
    that many entries (the chain rewritten), entries missing since a checkpoint or behind the head row (a
    cut tail). Then a checkpoint line that is damaged or forged.
    """
    checkpoints, damaged = read_checkpoints()
    # Read the heads before walking: entries are only ever added after, so a head never runs ahead honestly.
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    if chains is None:
        names = set(heads) | set(AuditEntry.objects.values_list("chain", flat=True).distinct()) | {c for cp in checkpoints for c in cp.chains}
    else:
        names = set(chains)
    reports = [
        _verify_one(name, heads.get(name), [(cp, cp.chains[name]) for cp in checkpoints if name in cp.chains], batch_size)
        for name in sorted(names)
    ]
    return AuditReport(reports, damaged, len(checkpoints))


def _verify_one(chain: str, head: AuditChainHead | None, marks: list[tuple[Checkpoint, ChainMark]], batch_size: int) -> ChainReport:
    at_count: dict[int, list[tuple[Checkpoint, ChainMark]]] = defaultdict(list)
    for checkpoint, mark in marks:
        at_count[mark.count].append((checkpoint, mark))
    expected_previous, checked, last_id = GENESIS_HASH, 0, None
    for entry in AuditEntry.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=batch_size):
        checked += 1
        if entry.seq != checked or entry.previous_hash != expected_previous:
            return ChainReport(chain, checked, entry.pk, f"Bản ghi #{entry.pk}: liên kết với bản ghi trước bị đứt (có bản ghi bị xóa hoặc chèn).")
        if not hmac.compare_digest(chain_mac(entry.previous_hash, canonical_content(entry)), entry.entry_hash):
            return ChainReport(chain, checked, entry.pk, f"Bản ghi #{entry.pk}: mã HMAC không khớp: nội dung đã bị sửa sau khi ghi, hoặc được ghi lại với mã tính lại không có khóa.")
        for checkpoint, mark in at_count.get(checked, ()):
            if mark.head != entry.entry_hash:
                return ChainReport(chain, checked, entry.pk, f"Bản ghi #{entry.pk} (bản ghi thứ {checked} của chuỗi) khác với mốc kiểm tra lúc {checkpoint.when}: nhật ký đã bị ghi lại.")
        if head is not None and head.count == checked and head.last_hash != entry.entry_hash:
            return ChainReport(chain, checked, entry.pk, f"Bản ghi #{entry.pk} (bản ghi thứ {checked} của chuỗi) khác với đầu chuỗi lưu trong cơ sở dữ liệu: nhật ký đã bị ghi lại.")
        expected_previous, last_id = entry.entry_hash, entry.pk
    longest = max(marks, key=lambda cm: (cm[1].count, cm[0].at), default=None)
    if longest is not None and longest[1].count > checked:
        return ChainReport(chain, checked, None, _missing(longest[1].count - checked, last_id, f"so với mốc kiểm tra lúc {longest[0].when}", longest[1].count))
    if head is not None and head.count > checked:
        return ChainReport(chain, checked, None, _missing(head.count - checked, last_id, "so với đầu chuỗi lưu trong cơ sở dữ liệu", head.count))
    return ChainReport(chain, checked)


def _missing(missing: int, last_id: int | None, against: str, expected: int) -> str:
    if last_id is None:
        return f"Chuỗi trống nhưng {against.removeprefix('so với ')} đã có {expected} bản ghi: {missing} bản ghi bị mất."
    return f"{missing} bản ghi sau bản ghi #{last_id} bị mất {against}."


# --- Who sees what --------------------------------------------------------------------------------
def visible_entries(user, action: str = "audit.view") -> QuerySet:
    """The entries ``user`` may read: those whose object or actor lies in the user's subtree.

    Whoever covers the whole tree also sees the system's own entries (no actor, no object).
    """
    if policy.can(user, action) and policy.covers_whole_tree(user):
        return AuditEntry.objects.all()
    return policy.visible(user, action, AuditEntry.objects.all())


def chains_for(user) -> list[str] | None:
    """The chains ``user`` verifies: every one (None) for whoever covers the whole tree, else the chain
    of the province their subtree lies in.
    """
    if policy.covers_whole_tree(user):
        return None
    chain = chain_of(policy.jurisdiction_root_path(user), "")
    return [chain] if chain != NATIONAL_CHAIN else []


def report_for(user, report: AuditReport) -> AuditReport:
    """What ``user`` is told of a verification of ``chains_for(user)``: below a province (a commune), the
    count of its own entries, and a break at someone else's entry without naming it.
    """
    if policy.covers_whole_tree(user):
        return report
    mine = visible_entries(user, "audit.verify").filter(chain__in=[chain.chain for chain in report.chains])
    told = []
    for chain in report.chains:
        if chain.ok:
            told.append(ChainReport(chain.chain, mine.filter(chain=chain.chain).count()))
        elif chain.first_broken_id is None or mine.filter(pk=chain.first_broken_id).exists():
            told.append(chain)
        else:
            told.append(ChainReport(chain.chain, chain.checked, None, "Chuỗi nhật ký của tỉnh bị can thiệp tại một bản ghi ngoài phạm vi của đơn vị bạn. Hãy báo ngay quản trị hệ thống cấp tỉnh."))
    return AuditReport(told, report.damaged, report.checkpoints)
