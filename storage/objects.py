"""Object storage behind one small protocol: local disk (embedded) and S3 (minio SDK).

Keys are laid out so originals, derived files and rejected inputs stay apart:

    originals/<sha256[:2]>/<sha256>        the uploaded bytes, written once, never overwritten
    quarantine/<sha256[:2]>/<sha256>       inputs rejected at ingest, kept for inspection
    derived/<document id>/<name>           text, hOCR, searchable PDF: replaced on reprocessing

This module is the only one that imports minio and translates ``S3Error`` and connection
errors (into ``StorageUnavailable``, which is retryable).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from ocr_service.config import Settings
from ocr_service.errors import NotFound, StorageUnavailable

_CHUNK = 1024 * 1024


def original_key(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256}"


def quarantine_key(sha256: str) -> str:
    return f"quarantine/{sha256[:2]}/{sha256}"


def derived_key(document_id: str, name: str) -> str:
    return f"derived/{document_id}/{name}"


class ObjectStore(Protocol):
    def put_file(self, key: str, path: Path, content_type: str, *, overwrite: bool = False) -> bool:
        """Store a file under ``key``. Without ``overwrite`` an existing object is kept; returns True if written."""

    def exists(self, key: str) -> bool: ...

    def open_stream(self, key: str) -> Iterator[bytes]:
        """The object's bytes in chunks; raises ``NotFound``."""

    def download(self, key: str, path: Path) -> None: ...

    def size(self, key: str) -> int: ...

    def ping(self) -> None:
        """Raise ``StorageUnavailable`` if the store cannot be reached."""


class LocalObjectStore:
    """Objects as files under a root directory; writes are atomic (temp file, then link/rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise NotFound(f"Invalid object key {key!r}.")
        return path

    def put_file(self, key: str, path: Path, content_type: str, *, overwrite: bool = False) -> bool:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and not overwrite:
                return False
            fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            tmp = Path(tmp_name)
            try:
                with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                    shutil.copyfileobj(src, out, _CHUNK)
                    out.flush()
                    os.fsync(out.fileno())
                if overwrite:
                    os.replace(tmp, target)
                    return True
                try:
                    os.link(tmp, target)  # fails if another writer got there first: never overwrite
                except FileExistsError:
                    return False
                return True
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"Local object store at {self.root} is not writable: {exc.strerror}.") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def open_stream(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"Object {key} not found.")
        return _iter_file(path)

    def download(self, key: str, path: Path) -> None:
        source = self._path(key)
        if not source.is_file():
            raise NotFound(f"Object {key} not found.")
        shutil.copyfile(source, path)

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"Object {key} not found.")
        return path.stat().st_size

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable() from exc
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"Local object store at {self.root} is not writable.")


def _iter_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


class S3ObjectStore:
    """Any S3-compatible server (MinIO, SeaweedFS, Ceph RGW, AWS S3) through the minio SDK."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = True,
        region: str | None = None,
    ) -> None:
        import urllib3
        from minio import Minio

        # Fail fast when the server is down instead of retrying for minutes inside a request.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=3.0, read=60.0),
            retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=(502, 503, 504)),
            maxsize=16,
        )
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region, http_client=http)
        self.bucket = bucket

    def ensure_bucket(self) -> None:
        with self._errors():
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

    def put_file(self, key: str, path: Path, content_type: str, *, overwrite: bool = False) -> bool:
        if not overwrite and self.exists(key):
            return False
        with self._errors(), path.open("rb") as fh:
            self.client.put_object(
                self.bucket, key, fh, length=path.stat().st_size, content_type=content_type, part_size=16 * _CHUNK
            )
        return True

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except NotFound:
            return False
        return True

    def size(self, key: str) -> int:
        with self._errors(key):
            return int(self.client.stat_object(self.bucket, key).size or 0)

    def open_stream(self, key: str) -> Iterator[bytes]:
        with self._errors(key):
            response = self.client.get_object(self.bucket, key)
        return self._stream(response, key)

    def _stream(self, response, key: str) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
        try:
            with self._errors(key):
                yield from response.stream(_CHUNK)
        finally:
            response.close()
            response.release_conn()

    def download(self, key: str, path: Path) -> None:
        with self._errors(key):
            self.client.fget_object(self.bucket, key, str(path))

    def ping(self) -> None:
        with self._errors():
            self.client.bucket_exists(self.bucket)

    def _errors(self, key: str | None = None):  # type: ignore[no-untyped-def]
        return _S3Errors(key)


class _S3Errors:
    """Translate minio and connection errors at this one boundary."""

    def __init__(self, key: str | None) -> None:
        self.key = key

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:  # type: ignore[no-untyped-def]
        if exc is None:
            return False
        import urllib3
        from minio.error import MinioException, S3Error

        if isinstance(exc, S3Error) and exc.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
            raise NotFound(f"Object {self.key} not found.") from exc
        if isinstance(exc, (MinioException, urllib3.exceptions.HTTPError, OSError)):
            raise StorageUnavailable() from exc
        return False


def open_object_store(settings: Settings) -> ObjectStore:
    """The store the settings describe: S3 when ``OCR_S3_ENDPOINT`` is set, else local disk."""
    if settings.s3_endpoint:
        store = S3ObjectStore(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key,
            settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
        store.ensure_bucket()
        return store
    return LocalObjectStore(settings.objects_dir)
