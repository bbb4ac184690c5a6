import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tiepdan.core import audit
from tiepdan.core.tasks import nightly_audit_chain_check

ROOT = Path(__file__).resolve().parents[2]
ON_CI = os.environ.get("CI") == "true"

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'huey': s.HUEY['huey_class'], 'cache': s.CACHES['default']['BACKEND']}))"
)


def _settings_with(tmp_path, **env):
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "tiepdan.config.settings", "PYTHONPATH": str(ROOT / "src"), "TIEPDAN_DATA_DIR": str(tmp_path)}
    for key in ("DATABASE_URL", "REDIS_URL"):
        full.pop(key, None)
    full.update(env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=full, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_services(tmp_path):
    chosen = _settings_with(tmp_path)
    assert chosen == {
        "db": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "huey": "huey.SqliteHuey",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }


def test_environment_moves_the_same_code_to_postgresql_and_redis(tmp_path):
    chosen = _settings_with(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/tiepdan", REDIS_URL="redis://127.0.0.1:6379/3")
    assert chosen == {
        "db": "django.db.backends.postgresql",
        "layer": "channels_redis.core.RedisChannelLayer",
        "huey": "huey.RedisHuey",
        "cache": "django.core.cache.backends.redis.RedisCache",
    }


def test_redis_channel_layer_delivers_a_message():
    import asyncio

    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/3", socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if ON_CI:
            pytest.fail("Redis at 127.0.0.1:6379 is required on CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    from channels_redis.core import RedisChannelLayer

    async def roundtrip():
        layer = RedisChannelLayer(hosts=["redis://127.0.0.1:6379/3"])
        channel = await layer.new_channel()
        await layer.group_add("phien-thu", channel)
        await layer.group_send("phien-thu", {"type": "room.event", "text": "điểm cầu đã vào phòng"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        await layer.flush()
        return message

    from concurrent.futures import ThreadPoolExecutor

    # Its own thread and loop: Playwright's sync API may already run a loop in this one.
    with ThreadPoolExecutor(1) as pool:
        message = pool.submit(asyncio.run, roundtrip()).result(timeout=30)
    assert message["text"] == "điểm cầu đã vào phòng"


def test_nightly_job_reports_a_broken_audit_chain(db):
    from django.db import connection

    from tiepdan.core.models import AuditEntry

    first = audit.record(actor=None, action="test.one")
    audit.record(actor=None, action="test.two")
    assert nightly_audit_chain_check.call_local() == {"ok": True, "checked": AuditEntry.objects.count(), "first_broken": None}
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'test.forged' WHERE id = %s", [first.pk])
    assert nightly_audit_chain_check.call_local()["first_broken"] == first.pk
