"""The real servers started by ``scripts/services.sh`` answer through real clients.

Run after::

    scripts/services.sh install && scripts/services.sh start
    eval "$(scripts/services.sh env)"
    .venv/bin/python -m pytest tests/integration/test_services_script.py -v -m services

Each test skips (with the reason) when the environment variables that
``services.sh env`` prints are not set.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid

import pytest

pytestmark = [pytest.mark.services, pytest.mark.timeout(300)]

_HINT = 'start the servers with scripts/services.sh start and eval "$(scripts/services.sh env)"'

VIETNAMESE_TEXT = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "GIẤY KHAI SINH — Họ và tên: Nguyễn Thị Hương; "
    "Nơi sinh: Thừa Thiên Huế; Quốc tịch: Việt Nam.\n"
    "Bộ phận tiếp nhận và trả kết quả (một cửa): đã nhận hồ sơ ngày 01/12.\n"
)


def _require(*names: str) -> dict[str, str]:
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not set: {_HINT}")
    return {n: os.environ[n] for n in names}


# --------------------------------------------------------------------------- Redis


def test_redis_ping_set_get() -> None:
    env = _require("OCR_REDIS_URL")
    import redis

    client = redis.Redis.from_url(env["OCR_REDIS_URL"], socket_timeout=10)
    try:
        assert client.ping() is True
        key = f"ocr-test:services:{uuid.uuid4().hex}"
        value = VIETNAMESE_TEXT.encode("utf-8")
        assert client.set(key, value, ex=60)
        assert client.get(key) == value
        assert client.delete(key) == 1
        assert client.get(key) is None
    finally:
        client.close()


# --------------------------------------------------------------------------- PostgreSQL


def _psycopg_conninfo(url: str) -> str:
    # SQLAlchemy URL (postgresql+psycopg://...) -> libpq URL
    scheme, sep, rest = url.partition("://")
    assert sep, f"not a URL: {url!r}"
    return "postgresql://" + rest


def test_postgres_version_and_roundtrip() -> None:
    env = _require("OCR_DATABASE_URL")
    import psycopg

    with psycopg.connect(_psycopg_conninfo(env["OCR_DATABASE_URL"]), connect_timeout=10) as conn:
        (version,) = conn.execute("select version()").fetchone()
        assert version.startswith("PostgreSQL ")
        (user, db, encoding) = conn.execute(
            "select current_user, current_database(), pg_encoding_to_char(encoding) "
            "from pg_database where datname = current_database()"
        ).fetchone()
        assert user == "ocr"
        assert encoding == "UTF8"
        # UTF-8 text survives a round trip through a temporary table
        conn.execute("create temporary table t (body text)")
        conn.execute("insert into t values (%s)", (VIETNAMESE_TEXT,))
        (body,) = conn.execute("select body from t").fetchone()
        assert body == VIETNAMESE_TEXT
        # the template database for per-test databases exists
        (is_template,) = conn.execute(
            "select datistemplate from pg_database where datname = 'ocr_test'"
        ).fetchone()
        assert is_template is True
        print(f"{version} (db={db})")


# --------------------------------------------------------------------------- S3


@pytest.fixture
def s3():
    env = _require("OCR_S3_ENDPOINT", "OCR_S3_ACCESS_KEY", "OCR_S3_SECRET_KEY", "OCR_S3_BUCKET")
    from minio import Minio

    secure = os.environ.get("OCR_S3_SECURE", "false").strip().lower() in {"1", "true", "yes", "on"}
    client = Minio(
        env["OCR_S3_ENDPOINT"],
        access_key=env["OCR_S3_ACCESS_KEY"],
        secret_key=env["OCR_S3_SECRET_KEY"],
        secure=secure,
    )
    bucket = env["OCR_S3_BUCKET"]
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    return client, bucket


def _read_all(client, bucket: str, name: str) -> bytes:
    response = client.get_object(bucket, name)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def test_s3_object_roundtrip_vietnamese(s3) -> None:
    client, bucket = s3
    assert bucket in {b.name for b in client.list_buckets()}

    prefix = f"services-test/{uuid.uuid4().hex}/"
    name = prefix + "giấy khai sinh – bản sao.txt"  # non-ASCII key too
    data = VIETNAMESE_TEXT.encode("utf-8")
    try:
        client.put_object(
            bucket, name, io.BytesIO(data), len(data), content_type="text/plain; charset=utf-8"
        )

        stat = client.stat_object(bucket, name)
        assert stat.size == len(data)
        assert stat.content_type.startswith("text/plain")
        assert stat.etag.strip('"') == hashlib.md5(data).hexdigest()

        got = _read_all(client, bucket, name)
        assert got == data
        assert got.decode("utf-8") == VIETNAMESE_TEXT

        listed = [o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True)]
        assert listed == [name]
    finally:
        client.remove_object(bucket, name)

    assert list(client.list_objects(bucket, prefix=prefix, recursive=True)) == []


def test_s3_multipart_put_20mb(s3) -> None:
    client, bucket = s3
    size = 20 * 1024 * 1024
    name = f"services-test/{uuid.uuid4().hex}/large.bin"
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as fh:
        block = os.urandom(1024 * 1024)
        for i in range(size // len(block)):
            chunk = bytes([i]) + block[1:]
            fh.write(chunk)
            digest.update(chunk)
        fh.seek(0)
        try:
            # length=-1 makes minio stream the file object as a multipart upload
            # in 5 MiB parts (4 parts + the empty tail check).
            result = client.put_object(
                bucket, name, fh, length=-1, part_size=5 * 1024 * 1024,
                content_type="application/octet-stream",
            )
            # multipart ETags look like "<md5-of-md5s>-<parts>"
            assert result.etag.strip('"').endswith("-4"), result.etag

            stat = client.stat_object(bucket, name)
            assert stat.size == size

            got = hashlib.sha256()
            response = client.get_object(bucket, name)
            try:
                total = 0
                for chunk in response.stream(1024 * 1024):
                    got.update(chunk)
                    total += len(chunk)
            finally:
                response.close()
                response.release_conn()
            assert total == size
            assert got.hexdigest() == digest.hexdigest()
        finally:
            client.remove_object(bucket, name)
    # the server is still healthy afterwards
    assert client.bucket_exists(bucket)
