"""Where recordings are kept: the data directory, or S3-compatible object storage.

One interface (``get_store()``), two back ends chosen by ``RECORDINGS_STORAGE``:

- ``local`` (default): files under ``RECORDINGS_LOCAL_DIR`` (``DATA_DIR/recordings``). ``put_atomic``
  writes a temporary file in the same folder, fsyncs it, renames it over the key and fsyncs the
  folder, so a crash leaves either the old content or the whole new one, and a write that returned
  is on the disk (what the upload acknowledges).
- ``s3``: a bucket (``RECORDINGS_S3_*``). ``put_atomic`` sends the object's SHA-256 and MD5 with it,
  so the store refuses a body that arrived changed; versioning is switched on where the store has
  it, and object lock (``RECORDINGS_S3_OBJECT_LOCK_MODE``) keeps every version for the period set.

Keys are relative paths with ``/`` (``recordings/12/tracks/40/000007-<sha>.webm``). The models'
FileFields store such keys too, through ``archive_storage`` (a Django ``Storage`` over the same store).
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import threading
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible


class StorageError(Exception):
    """The store refused or lost a write; the message is Vietnamese and says what to check."""


def check_key(key: str) -> str:
    """A key is a relative path without ``..``: nothing is written outside the store's root."""
    parts = PurePosixPath(key).parts
    if not key or key.startswith("/") or key.endswith("/") or "//" in key or "\\" in key or "\0" in key or any(p in ("..", ".") for p in parts):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStore:
    """Files under one folder, written so that what returned survives a crash."""

    kind = "local"

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _makedirs(self, folder: Path) -> None:
        """Create ``folder`` and fsync the parent of every folder created, so the new names are on disk too."""
        missing = []
        current = folder
        while not current.exists():
            missing.append(current)
            current = current.parent
        for created in reversed(missing):
            with contextlib.suppress(FileExistsError):
                created.mkdir()
            _fsync_dir(created.parent)

    @contextlib.contextmanager
    def _atomic_file(self, key: str):
        path = self._path(key)
        self._makedirs(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def put_atomic(self, key: str, data: bytes) -> None:
        with self._atomic_file(key) as out:
            out.write(data)

    def put_file(self, key: str, path) -> None:
        with open(path, "rb") as src, self._atomic_file(key) as out:
            shutil.copyfileobj(src, out, 1024 * 1024)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        path = self._path(key)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            _fsync_dir(path.parent)

    def local_path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key under ``prefix`` (a folder-like prefix ending in ``/`` or empty), sorted."""
        base = self.root / prefix if prefix else self.root
        if not base.exists():
            return iter(())
        found = (p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file() and not p.name.endswith(".part"))
        return iter(sorted(found))


class S3Store:
    """One bucket of an S3-compatible store; every put carries its checksums, so the store verifies what it got."""

    kind = "s3"

    def __init__(self, *, bucket: str, endpoint_url: str = "", access_key_id: str = "", secret_access_key: str = "",
                 region: str = "", prefix: str = "", cache_dir: Path, object_lock_mode: str = "", object_lock_days: int = 0,
                 versioning: bool = True):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.cache_dir = Path(cache_dir)
        self.object_lock_mode = object_lock_mode.upper()
        self.object_lock_days = object_lock_days
        self._versioning = versioning
        self._config = dict(endpoint_url=endpoint_url or None, aws_access_key_id=access_key_id or None,
                            aws_secret_access_key=secret_access_key or None, region_name=region or None)
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
        """The boto3 client, made once; the first use also switches versioning on where the store allows it."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3  # why: boto3 is loaded only by deployments that store in S3 (slow import)
                    from botocore.config import Config  # why: same as boto3

                    client = boto3.client("s3", config=Config(retries={"max_attempts": 5, "mode": "standard"}), **self._config)
                    if self._versioning:
                        self._enable_versioning(client)
                    self._client = client
        return self._client

    def _enable_versioning(self, client) -> None:
        from botocore.exceptions import ClientError  # why: boto3 only where S3 is used

        try:
            client.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})
        except ClientError as exc:
            # Some S3-compatible stores have no versioning (or refuse it to this key): the checksums still hold.
            if exc.response.get("Error", {}).get("Code") in {"NoSuchBucket"}:
                raise StorageError(f"Không tìm thấy kho lưu trữ «{self.bucket}». Vui lòng kiểm tra RECORDINGS_S3_BUCKET.") from exc

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _lock_args(self) -> dict:
        if not self.object_lock_mode or self.object_lock_days <= 0:
            return {}
        import datetime as dt  # why: only needed when object lock is configured

        until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=self.object_lock_days)
        return {"ObjectLockMode": self.object_lock_mode, "ObjectLockRetainUntilDate": until}

    def put_atomic(self, key: str, data: bytes) -> None:
        """One PUT (atomic in S3: the object appears whole or not at all) with SHA-256 and MD5 the store checks."""
        from botocore.exceptions import BotoCoreError, ClientError  # why: boto3 only where S3 is used

        sha = hashlib.sha256(data).digest()
        md5 = hashlib.md5(data, usedforsecurity=False).digest()
        try:
            answer = self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, ContentMD5=base64.b64encode(md5).decode(),
                ChecksumSHA256=base64.b64encode(sha).decode(), **self._lock_args(),
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("Kho lưu trữ không nhận đoạn ghi hình; đoạn sẽ được gửi lại.") from exc
        returned = answer.get("ChecksumSHA256")
        if returned and base64.b64decode(returned) != sha:
            raise StorageError("Kho lưu trữ báo mã kiểm tra khác với dữ liệu đã gửi; đoạn sẽ được gửi lại.")

    def put_file(self, key: str, path) -> None:
        """A finished file: uploaded in parts when large, each part checksummed (SHA-256) by the store."""
        from boto3.s3.transfer import TransferConfig  # why: boto3 only where S3 is used
        from botocore.exceptions import BotoCoreError, ClientError  # why: same

        extra = {"ChecksumAlgorithm": "SHA256", **self._lock_args()}
        try:
            self.client.upload_file(str(path), self.bucket, self._key(key), ExtraArgs=extra,
                                    Config=TransferConfig(multipart_threshold=64 * 1024 * 1024))
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("Kho lưu trữ không nhận tệp ghi hình.") from exc
        if self.size(key) != os.path.getsize(path):
            raise StorageError("Kho lưu trữ giữ một tệp có kích thước khác tệp đã gửi.")

    def open(self, key: str) -> BinaryIO:
        """A stream of the object (not seekable: use ``local_path`` for ffmpeg)."""
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]

    def read(self, key: str) -> bytes:
        with contextlib.closing(self.open(key)) as body:
            return body.read()

    def _head(self, key: str):
        from botocore.exceptions import ClientError  # why: boto3 only where S3 is used

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return head["ContentLength"]

    def delete(self, key: str) -> None:
        # With versioning this leaves a delete marker: earlier versions stay until the store's own rules remove them.
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def local_path(self, key: str) -> Path:
        """A real file for ffmpeg: downloaded once into ``RECORDINGS_S3_CACHE_DIR`` (again when the size differs)."""
        path = self.cache_dir / check_key(key)
        size = self.size(key)
        if path.is_file() and path.stat().st_size == size:
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        os.close(fd)
        try:
            self.client.download_file(self.bucket, self._key(key), tmp)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return path

    def keys(self, prefix: str = "") -> Iterator[str]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        if ".." in PurePosixPath(prefix).parts:
            raise ValueError(f"invalid storage prefix: {prefix!r}")
        full = (f"{self.prefix}/" if self.prefix else "") + prefix
        paginator = self.client.get_paginator("list_objects_v2")
        found = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            found.extend(item["Key"][strip:] for item in page.get("Contents", ()))
        return iter(sorted(found))


_stores: dict[tuple, object] = {}
_stores_lock = threading.Lock()


def _store_settings() -> tuple:
    kind = getattr(settings, "RECORDINGS_STORAGE", "local")
    if kind == "s3":
        return ("s3", settings.RECORDINGS_S3_BUCKET, settings.RECORDINGS_S3_ENDPOINT_URL, settings.RECORDINGS_S3_ACCESS_KEY_ID,
                settings.RECORDINGS_S3_SECRET_ACCESS_KEY, settings.RECORDINGS_S3_REGION, settings.RECORDINGS_S3_PREFIX,
                str(settings.RECORDINGS_S3_CACHE_DIR), settings.RECORDINGS_S3_OBJECT_LOCK_MODE, settings.RECORDINGS_S3_OBJECT_LOCK_DAYS,
                settings.RECORDINGS_S3_VERSIONING)
    if kind == "local":
        return ("local", str(settings.RECORDINGS_LOCAL_DIR))
    raise StorageError(f"RECORDINGS_STORAGE phải là «local» hoặc «s3», không phải «{kind}».")


def get_store() -> LocalStore | S3Store:
    """The store the settings name; one per configuration (tests that change the settings get their own)."""
    config = _store_settings()
    store = _stores.get(config)
    if store is None:
        with _stores_lock:
            store = _stores.get(config)
            if store is None:
                if config[0] == "local":
                    store = LocalStore(Path(config[1]))
                else:
                    if not config[1]:
                        raise StorageError("Chưa cấu hình RECORDINGS_S3_BUCKET cho lưu trữ S3.")
                    store = S3Store(bucket=config[1], endpoint_url=config[2], access_key_id=config[3], secret_access_key=config[4],
                                    region=config[5], prefix=config[6], cache_dir=Path(config[7]), object_lock_mode=config[8],
                                    object_lock_days=int(config[9]), versioning=bool(config[10]))
                _stores[config] = store
    return store


@deconstructible(path="tiepdan.recordings.storage.ArchiveStorage")
class ArchiveStorage(Storage):
    """Django's file API over ``get_store()`` (asked at each call, so settings changed by tests apply)."""

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("archive files are written with save(), not opened for writing")
        store = get_store()
        if store.kind == "local":
            return File(store.open(name), name=name)
        return File(io.BytesIO(store.read(name)), name=name)

    def _save(self, name, content):
        store = get_store()
        path = getattr(content, "temporary_file_path", None)
        if path is not None:
            store.put_file(name, path())
        else:
            content.seek(0) if hasattr(content, "seek") else None
            store.put_atomic(name, content.read())
        return name

    def get_valid_name(self, name):
        return name

    def exists(self, name):
        return get_store().exists(name)

    def size(self, name):
        return get_store().size(name)

    def delete(self, name):
        get_store().delete(name)

    def path(self, name):
        return str(get_store().local_path(name))

    def url(self, name):
        raise NotImplementedError("recordings are served by recordings' own views, which check who may watch")


archive_storage = ArchiveStorage()
