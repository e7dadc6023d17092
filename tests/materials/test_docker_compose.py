"""docker-compose.yml runs Redis and each step the way the blog's compose file did.

Docker may not run where the checks run, so this reads the file instead of starting it.
"""

from pathlib import Path

import pytest
import yaml

from workshop.paths import REPO_ROOT
from workshop.protocol import WEBSOCKET_MAX_MESSAGE_SIZE
from workshop.steps import all_steps

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_redis_is_the_official_image_with_a_ping_healthcheck():
    redis = SERVICES["redis"]
    assert redis["image"].startswith("redis:")
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]
    assert "127.0.0.1:6379:6379" in redis["ports"], "make run finds a compose Redis on 127.0.0.1:6379"


@pytest.mark.parametrize("step", all_steps(), ids=lambda step: step.name)
def test_each_step_has_a_service_that_waits_for_a_healthy_redis(step):
    service = SERVICES[f"step{step.number}"]
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert Path(service["working_dir"]).name == step.name
    assert "mysite.asgi:application" in service["command"]
    assert service["ports"] == [f"127.0.0.1:80{step.number}:8000"]


def test_every_service_is_a_step_or_redis():
    assert set(SERVICES) == {"redis"} | {f"step{step.number}" for step in all_steps()}


@pytest.mark.parametrize("option", ["--websocket-max-message-size", "--websocket-max-frame-size"])
def test_daphne_gets_the_workshops_frame_cap(option):
    for step in all_steps():
        command = SERVICES[f"step{step.number}"]["command"]
        assert command[command.index(option) + 1] == str(WEBSOCKET_MAX_MESSAGE_SIZE)


def test_the_image_installs_the_locked_serve_layer_and_copies_the_steps():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements/serve.txt" in dockerfile
    assert "COPY steps/ steps/" in dockerfile
