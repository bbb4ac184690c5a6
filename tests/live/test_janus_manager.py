"""Our Janus process: the config we write, and what Janus itself refuses (live/janus/)."""
from __future__ import annotations

import secrets

import pytest

from tiepdan.live.janus import config as janus_config
from tiepdan.live.janus.client import JanusError, JanusUnavailable

from .sfu_fixtures import janus, janus_client  # noqa: F401  (fixtures)


def test_config_loads_only_videoroom_and_loopback_transports_with_our_own_admin_secret(tmp_path, settings):
    settings.JANUS_DIR = tmp_path / "j"
    cfg = janus_config.JanusConfig.from_settings()
    files = janus_config.render(cfg)
    main = files["janus.jcfg"]
    assert "janusoverlord" not in main and cfg.admin_secret in main
    assert "token_auth = true" in main
    assert "libjanus_videoroom.so" not in main.split("plugins: {")[1].split("}")[0]
    if (cfg.lib_dir / "plugins" / "libjanus_echotest.so").exists():
        assert "libjanus_echotest.so" in main
    http = files["janus.transport.http.jcfg"]
    assert 'ip = "127.0.0.1"' in http and 'admin_ip = "127.0.0.1"' in http
    assert cfg.room_admin_key in files["janus.plugin.videoroom.jcfg"]


def test_running_janus_has_only_the_videoroom_and_our_transports(janus_client):
    info = janus_client.info()
    assert list(info["plugins"]) == ["janus.plugin.videoroom"]
    assert set(info["transports"]) == {"janus.transport.http", "janus.transport.websockets"}


def test_request_without_a_valid_token_is_refused_by_janus(janus_client):
    with pytest.raises(JanusError) as refused:
        janus_client.call("", "create", token="")
    assert refused.value.code == 403
    with pytest.raises(JanusError) as refused:
        janus_client.call("", "create", token=secrets.token_hex(16))
    assert refused.value.code == 403


def test_admin_api_refuses_the_shipped_secret(janus_client):
    janus_client.admin_secret = "janusoverlord"
    with pytest.raises(JanusError) as refused:
        janus_client.list_tokens()
    assert refused.value.code == 403


def test_a_stale_token_is_refused_after_removal(janus_client):
    token = secrets.token_hex(16)
    janus_client.add_token(token)
    janus_client.call("", "create", token=token)  # accepted while valid
    janus_client.remove_token(token)
    assert token not in janus_client.list_tokens()
    with pytest.raises(JanusError) as refused:
        janus_client.call("", "create", token=token)
    assert refused.value.code == 403


def test_only_the_app_server_may_create_rooms(janus_client, janus):
    token = secrets.token_hex(16)
    janus_client.add_token(token)
    with janus_client.videoroom(token=token) as vr:
        with pytest.raises(JanusError):
            vr.request({"request": "create", "room": 4242})  # a browser's token, no admin_key
        vr.request({"request": "create", "room": 4242, "admin_key": janus.cfg.room_admin_key, "secret": "s3", "is_private": True})
        assert vr.request({"request": "exists", "room": 4242})["exists"] is True
        with pytest.raises(JanusError):
            vr.request({"request": "destroy", "room": 4242, "secret": "wrong"})
        vr.request({"request": "destroy", "room": 4242, "secret": "s3"})
        assert vr.request({"request": "exists", "room": 4242})["exists"] is False


def test_a_killed_janus_is_reported_unavailable(janus, janus_client):
    janus.kill()
    with pytest.raises(JanusUnavailable):
        janus_client.info()


def test_run_janus_writes_the_config_folder_from_settings(tmp_path, settings):
    from django.core.management import call_command

    settings.JANUS_DIR = tmp_path / "janus-conf"
    settings.JANUS_WS_PORT = 18_999
    call_command("run_janus", "--write-only")
    ws = (tmp_path / "janus-conf" / "janus.transport.websockets.jcfg").read_text()
    assert "ws_port = 18999" in ws
    assert oct((tmp_path / "janus-conf").stat().st_mode)[-3:] == "700"  # it holds the admin secret
