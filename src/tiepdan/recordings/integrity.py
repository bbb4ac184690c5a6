"""Is a recording whole and signed? And if not, where was it changed?

``verify(recording)`` checks what the archive holds; ``verify_copy(manifest, signature, folder)`` checks a
copy someone downloaded (the page ``/ghi-hinh/kiem-tra/`` and ``manage.py verify_recording``). Both:

1. the manifest's signature (``documents.signing.verify_detached``: valid, by a certificate of a CA we
   trust, over exactly these bytes);
2. the manifest's own hash against the one written when the recording was finished (archive only);
3. every slice and every file the manifest lists: present, its size, its SHA-256.

Each difference is one Vietnamese sentence naming the point, the take and the slice number or file.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from tiepdan.documents import signing

from .manifest import FORMAT
from .models import Recording
from .storage import get_store

SOURCE_LABELS = {"own": "trình duyệt của điểm cầu", "relay": "bản sao tại điểm cầu trung tâm", "server": "máy chủ Janus"}


@dataclass
class Report:
    ok: bool
    problems: list[str] = field(default_factory=list)
    signed: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    timestamp: datetime | None = None
    manifest_sha256: str = ""
    items_checked: int = 0
    listed: list[dict] = field(default_factory=list)  # what the manifest lists: {what, key, sha256, size_bytes}
    document: dict | None = None


def _sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def listed_items(document: dict) -> list[dict]:
    """Everything the manifest lists with a hash, each with the words that say where it is."""
    items = []
    for point in document.get("points", []):
        name = f"Điểm cầu «{point.get('name', point.get('id'))}»"
        for take in point.get("takes", []):
            where = f"{name}, lượt ghi {str(take.get('take', ''))[:8]} ({SOURCE_LABELS.get(take.get('source'), take.get('source'))})"
            for s in take.get("slices", []):
                items.append({"what": f"{where}, đoạn số {s['seq']}", "key": s["key"], "sha256": s["sha256"], "size_bytes": s["size_bytes"]})
            if take.get("file"):
                f = take["file"]
                items.append({"what": f"{where}, tệp của lượt ghi", "key": f["key"], "sha256": f["sha256"], "size_bytes": f.get("size_bytes")})
        if point.get("file"):
            f = point["file"]
            items.append({"what": f"{name}, tệp của điểm cầu", "key": f["key"], "sha256": f["sha256"], "size_bytes": f.get("size_bytes")})
    for chapter in document.get("chapters", []):
        if chapter.get("thumbnail"):
            f = chapter["thumbnail"]
            items.append({"what": f"Ảnh đại diện của chương «{chapter.get('title', '')}»", "key": f["key"], "sha256": f["sha256"], "size_bytes": f.get("size_bytes")})
    if document.get("composed"):
        f = document["composed"]
        items.append({"what": "Tệp tổng hợp (các điểm cầu cạnh nhau)", "key": f["key"], "sha256": f["sha256"], "size_bytes": f.get("size_bytes")})
    return items


def _n(count: int) -> str:
    """A byte count as Vietnamese writes it (1.234.567)."""
    return f"{count:,}".replace(",", ".")


def _check_items(items: list[dict], *, exists: Callable[[str], bool], size: Callable[[str], int], opener: Callable[[str], BinaryIO]) -> list[str]:
    problems = []
    for item in items:
        key = item["key"]
        if not exists(key):
            problems.append(f"{item['what']} ({key}): không còn, bản kê có liệt kê.")
            continue
        if item.get("size_bytes") is not None and size(key) != item["size_bytes"]:
            problems.append(f"{item['what']} ({key}): kích thước {_n(size(key))} byte, bản kê ghi {_n(item['size_bytes'])} byte: đã bị thay đổi.")
            continue
        with opener(key) as stream:
            actual = _sha256(stream)
        if actual != item["sha256"]:
            problems.append(f"{item['what']} ({key}): nội dung đã bị thay đổi (SHA-256 {actual[:16]}…, bản kê ghi {item['sha256'][:16]}…).")
    return problems


def _signature(data: bytes, signature: bytes | None, report: Report) -> None:
    if not signature:
        report.problems.append("Bản kê không có chữ ký số: không chứng minh được bản ghi do cơ quan lập và chưa bị sửa.")
        return
    checked = signing.verify_detached(data, signature)
    report.signed = checked.ok
    report.signer, report.signed_at, report.timestamp = checked.signer, checked.signed_at, checked.timestamp
    if not checked.ok:
        report.problems.extend(f"Chữ ký số của bản kê: {p}" for p in checked.problems or ["không hợp lệ."])


def _parse(data: bytes, report: Report) -> dict | None:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        report.problems.append("Bản kê không đọc được (không phải JSON UTF-8).")
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        report.problems.append(f"Tệp này không phải bản kê bản ghi hình của tiepdan (định dạng {FORMAT}).")
        return None
    report.document = document
    report.listed = listed_items(document)
    return document


def verify(recording: Recording) -> Report:
    """The archive's recording: signature, the manifest's hash, every slice and file in the store."""
    store = get_store()
    report = Report(ok=False)
    if not recording.manifest or not store.exists(recording.manifest.name):
        report.problems.append("Bản ghi chưa có bản kê (chưa hoàn thiện, hoặc bản kê đã mất khỏi kho lưu trữ).")
        return report
    data = store.read(recording.manifest.name)
    report.manifest_sha256 = hashlib.sha256(data).hexdigest()
    if recording.manifest_sha256 and report.manifest_sha256 != recording.manifest_sha256:
        report.problems.append(f"Bản kê ({recording.manifest.name}) đã bị thay đổi sau khi hoàn thiện: SHA-256 {report.manifest_sha256[:16]}…, "
                               f"lúc hoàn thiện là {recording.manifest_sha256[:16]}….")
    signature = store.read(recording.signature.name) if recording.signature and store.exists(recording.signature.name) else None
    if recording.signature and signature is None:
        report.problems.append(f"Tệp chữ ký của bản kê ({recording.signature.name}) không còn trong kho lưu trữ.")
    _signature(data, signature, report)
    document = _parse(data, report)
    if document is not None:
        if document.get("recording", {}).get("id") != recording.pk:
            report.problems.append(f"Bản kê là của bản ghi số {document.get('recording', {}).get('id')}, không phải bản ghi số {recording.pk}.")
        report.problems.extend(_check_items(report.listed, exists=store.exists, size=store.size, opener=store.open))
        report.items_checked = len(report.listed)
    report.ok = not report.problems
    return report


def _in_folder(folder: Path, key: str) -> Path | None:
    """Where a downloaded copy keeps ``key``: at its path under the folder, or by its name alone (a flat download)."""
    parts = PurePosixPath(key).parts
    if ".." in parts:
        return None
    for candidate in (folder.joinpath(*parts), folder / PurePosixPath(key).name):
        if candidate.is_file():
            return candidate
    return None


def verify_copy(manifest: bytes, signature: bytes | None, folder: Path | None = None) -> Report:
    """A downloaded copy: the signature over ``manifest``; with ``folder``, every file it lists found there and hashed."""
    report = Report(ok=False, manifest_sha256=hashlib.sha256(manifest).hexdigest())
    _signature(manifest, signature, report)
    if _parse(manifest, report) is not None and folder is not None:
        folder = Path(folder)
        report.problems.extend(_check_items(
            report.listed,
            exists=lambda key: _in_folder(folder, key) is not None,
            size=lambda key: _in_folder(folder, key).stat().st_size,
            opener=lambda key: open(_in_folder(folder, key), "rb"),
        ))
        report.items_checked = len(report.listed)
    report.ok = not report.problems
    return report
