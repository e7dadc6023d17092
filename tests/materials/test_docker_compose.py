"""docker-compose.yml runs Redis and each step the way the blog's compose file did.

Its production profile runs step 03 with deploy/ (nginx, supervisor, daphne) as `make production`
does. Docker may not run where the checks run, so this reads the files instead of starting them.
"""

import re
from pathlib import Path

import pytest
import yaml

from workshop.paths import REPO_ROOT
from workshop.protocol import WEBSOCKET_MAX_MESSAGE_SIZE
from workshop.steps import all_steps

COMPOSE_TEXT = (REPO_ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
PRODUCTION = {
    name: service for name, service in SERVICES.items() if "production" in service.get("profiles", [])
}


def test_redis_is_the_official_image_with_a_ping_healthcheck():
    redis = SERVICES["redis"]
    assert redis["image"].startswith("redis:")
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]
    assert "127.0.0.1:6379:6379" in redis["ports"], "make run finds a compose Redis on 127.0.0.1:6379"


def served_command(step):
    """A step's daphne command as words, whether run directly or after `migrate` by a shell."""
    return " ".join(SERVICES[f"step{step.number}"]["command"]).split()


@pytest.mark.parametrize("step", all_steps(), ids=lambda step: step.name)
def test_each_step_has_a_service_that_waits_for_a_healthy_redis(step):
    service = SERVICES[f"step{step.number}"]
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert Path(service["working_dir"]).name == step.name
    assert "mysite.asgi:application" in served_command(step)
    assert service["ports"] == [f"127.0.0.1:80{step.number}:8000"]


def test_plain_compose_up_starts_redis_and_the_steps_only():
    unprofiled = {name for name, service in SERVICES.items() if not service.get("profiles")}
    assert unprofiled == {"redis"} | {f"step{step.number}" for step in all_steps()}


def test_the_production_profile_is_the_certificate_web_and_nginx():
    assert set(PRODUCTION) == {"certificate", "web", "nginx"}
    assert all(service["profiles"] == ["production"] for service in PRODUCTION.values())


@pytest.mark.parametrize("option", ["--websocket-max-message-size", "--websocket-max-frame-size"])
def test_daphne_gets_the_workshops_frame_cap(option):
    for step in all_steps():
        command = served_command(step)
        assert command[command.index(option) + 1] == str(WEBSOCKET_MAX_MESSAGE_SIZE)


def test_the_image_installs_the_locked_serve_layer_and_copies_the_steps_and_deploy():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements/serve.txt" in dockerfile
    assert "COPY steps/ steps/" in dockerfile
    assert "COPY deploy/ deploy/" in dockerfile


@pytest.mark.parametrize("package", ["supervisor", "trustme"])
def test_the_serve_lock_brings_what_the_production_profile_runs(package):
    lock = (REPO_ROOT / "requirements" / "serve.txt").read_text()
    assert re.search(rf"^{package}==", lock, re.MULTILINE), "web runs supervisord, certificate runs trustme"


def test_the_certificate_is_made_by_trustme_once_into_its_volume():
    certificate = PRODUCTION["certificate"]
    script = certificate["command"][-1]
    assert "python -m trustme -d /certs" in script
    assert "test -f /certs/server.pem" in script, "a second `up` keeps the certificate it made"
    assert "certs:/certs" in certificate["volumes"]


def test_web_runs_supervisord_after_collectstatic_from_the_repository():
    web = PRODUCTION["web"]
    script = web["command"][-1]
    collect = script.index('manage.py" collectstatic --noinput')
    assert collect < script.index("exec supervisord -c /app/deploy/supervisord.conf")
    assert web["working_dir"] == "/app"
    assert web["environment"]["PYTHONPATH"] == "/app"
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == "deploy.settings"
    assert web["environment"]["CHAT_PROJECT_DIR"] == "/app/steps/03_async"


def test_web_sets_every_variable_supervisord_conf_reads():
    """Every %(ENV_X)s outside a comment (supervisor's comments start with ; or a space and ;)."""
    config = (REPO_ROOT / "deploy" / "supervisord.conf").read_text()
    wanted = set(re.findall(r"%\(ENV_(\w+)\)s", re.sub(r"(^|\s);.*", "", config, flags=re.MULTILINE)))
    assert wanted and wanted <= set(PRODUCTION["web"]["environment"])


def test_web_waits_for_a_healthy_redis_and_the_certificate():
    depends_on = PRODUCTION["web"]["depends_on"]
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["certificate"]["condition"] == "service_completed_successfully"
    assert PRODUCTION["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_web_is_served_for_localhost_without_hsts():
    environment = PRODUCTION["web"]["environment"]
    assert environment["DJANGO_ALLOWED_HOSTS"].split(",") == ["localhost", "127.0.0.1"]
    assert environment["DJANGO_HSTS_SECONDS"] == "0", "HSTS would cover every port of localhost"


def test_the_secret_key_is_required_when_the_profile_runs_and_only_then():
    """Compose fills in all of docker-compose.yml for any command, a service's env_file as it runs."""
    web = PRODUCTION["web"]
    assert "DJANGO_SECRET_KEY" not in web["environment"]
    [env_file] = web["env_file"]
    assert "DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:?" in (REPO_ROOT / env_file).read_text()
    required = re.compile(r"\$\{\w+:?\?")  # ${NAME?...} or ${NAME:?...}
    code = [line for line in COMPOSE_TEXT.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if required.search(line)], "plain `docker compose up` would need it"


def test_nginx_sets_every_name_the_server_block_template_reads():
    template = (REPO_ROOT / "deploy" / "nginx" / "chat.conf.template").read_text()
    wanted = set(re.findall(r"\$\{(\w+)\}", template))
    assert wanted and wanted <= set(PRODUCTION["nginx"]["environment"])


def test_nginx_mounts_the_template_where_its_image_fills_it_in():
    assert (
        "./deploy/nginx/chat.conf.template:/etc/nginx/templates/chat.conf.template:ro"
        in PRODUCTION["nginx"]["volumes"]
    )


def test_nginx_proxies_to_the_port_the_workers_share():
    nginx, web = PRODUCTION["nginx"]["environment"], PRODUCTION["web"]["environment"]
    assert nginx["CHAT_BIND"] == "web:" + web["CHAT_BIND"].rsplit(":", 1)[1]
    assert PRODUCTION["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_nginx_reads_the_certificate_and_the_static_files_read_only():
    nginx = PRODUCTION["nginx"]
    assert {"certs:/certs:ro", "static:/static:ro"} <= set(nginx["volumes"])
    assert nginx["environment"]["NGINX_CERTIFICATE"] == "/certs/server.pem"
    assert nginx["environment"]["NGINX_CERTIFICATE_KEY"] == "/certs/server.key"
    static_root = PRODUCTION["web"]["environment"]["DJANGO_STATIC_ROOT"]
    assert nginx["environment"]["DJANGO_STATIC_ROOT"] == static_root
    assert f"static:{static_root}" in PRODUCTION["web"]["volumes"]


def test_only_nginx_publishes_a_port_in_the_profile_and_on_loopback():
    assert [name for name, service in PRODUCTION.items() if service.get("ports")] == ["nginx"]
    nginx = PRODUCTION["nginx"]
    assert nginx["ports"] == [f"127.0.0.1:8443:{nginx['environment']['NGINX_LISTEN']}"]
