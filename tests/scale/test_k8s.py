"""The Kubernetes manifests render with Kustomize and pass the Kubernetes schemas, offline.

No cluster runs here, so what the rendered manifests mean is checked directly, read as
a cluster reads them (tests/scale/manifests.py): who the NetworkPolicies let reach whom,
which database roles and passwords each pod's environment holds, the roles Job's script
on a real PostgreSQL, and the lock store and PIN store logging in to a real Redis.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
import redis
import yaml
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config

from channels.pin_store import RedisPendingPins, pending_store
from channels.settings import RasaSettings
from launch.scaled import ENDPOINTS
from launch.stack import ROOT
from tests.conftest import free_port
from tests.scale.engines import PrivatePostgres
from tests.scale.manifests import (
    NAMESPACE,
    Resource,
    container,
    environment,
    expand,
    named,
    pod_spec,
    reaches,
    secret_readers,
)

OVERLAY = ROOT / "deploy" / "k8s" / "overlays" / "scaled"
REQUIREMENTS = ROOT / "deploy" / "k8s" / "requirements-validate.txt"
VALIDATOR_ENV = ROOT / "var" / "tools" / "k8s-validate"
KUBERNETES_VERSION = "1.37.0"
README = ROOT / "deploy" / "k8s" / "README.md"
# What each secret key holds in these tests: a recognisable stand-in.
SECRETS = {
    key: f"{key}-{secrets.token_hex(4)}"
    for key in re.findall(r"--from-literal=([\w-]+)=", README.read_text())
}


@pytest.fixture(scope="module")
def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed, so the manifests cannot be rendered")
    return found


@pytest.fixture(scope="module")
def validator() -> Path:
    """kubernetes-validate in its own environment (its jsonschema conflicts with Rasa's)."""
    program = VALIDATOR_ENV / "bin" / "kubernetes-validate"
    stamp = VALIDATOR_ENV / ".requirements"
    if not program.exists() or stamp.read_text() != REQUIREMENTS.read_text():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VALIDATOR_ENV)], check=True)
        pip = [str(VALIDATOR_ENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True, timeout=600)
        stamp.write_text(REQUIREMENTS.read_text())
    return program


def render(kubectl: str) -> str:
    result = subprocess.run(
        [kubectl, "kustomize", str(OVERLAY)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def validate(validator: Path, manifests: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(validator), "--strict", "--quiet", "-k", KUBERNETES_VERSION, str(manifests)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_scaled_overlay_renders_the_topology(kubectl: str) -> None:
    resources = [r for r in yaml.safe_load_all(render(kubectl)) if r]
    by_name = {(r["kind"], r["metadata"]["name"]): r for r in resources}
    assert by_name[("Deployment", "rasa")]["spec"]["replicas"] == 2
    assert by_name[("Deployment", "actions")]["spec"]["replicas"] == 2
    assert by_name[("Deployment", "merchant")]["spec"]["replicas"] == 1
    assert ("StatefulSet", "postgres") in by_name and ("StatefulSet", "redis") in by_name
    assert by_name[("Ingress", "orderly")]["spec"]["rules"]
    assert {r["metadata"].get("namespace") for r in resources if r["kind"] != "Namespace"} == {
        "orderly"
    }
    for service in ("rasa", "actions"):
        assert by_name[("Service", service)]["spec"]["sessionAffinity"] == "None"
    # Every secret a pod reads comes from the one Secret the README tells how to create.
    rendered = render(kubectl)
    assert "name: orderly-secrets" in rendered and "kind: Secret" not in rendered


def test_every_rendered_resource_passes_the_kubernetes_schemas(
    kubectl: str, validator: Path, tmp_path: Path
) -> None:
    manifests = tmp_path / "scaled.yaml"
    manifests.write_text(render(kubectl))
    result = validate(validator, manifests)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_rejects_a_broken_manifest(validator: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
        "spec: {replicas: two, selector: {}, template: {}}\n"
    )
    assert validate(validator, broken).returncode != 0


# --- what the rendered manifests mean ------------------------------------------------------


@pytest.fixture(scope="module")
def resources(kubectl: str) -> list[Resource]:
    return [r for r in yaml.safe_load_all(render(kubectl)) if r]


def pod_environment(
    resources: list[Resource], kind: str, name: str, init: bool = False
) -> dict[str, str]:
    return environment(resources, container(resources, kind, name, init), SECRETS)


def test_every_secret_key_a_pod_reads_is_in_the_readmes_command(
    resources: list[Resource],
) -> None:
    assert set(secret_readers(resources)) == set(SECRETS)


def app(name: str, namespace: str = NAMESPACE) -> tuple[str, dict[str, str]]:
    return namespace, {"app.kubernetes.io/name": name}


def test_each_service_is_reached_only_by_its_callers(resources: list[Resource]) -> None:
    policies = [r for r in resources if r["kind"] == "NetworkPolicy"]
    services = {
        "rasa": (named(resources, "Deployment", "rasa"), 5005),
        "actions": (named(resources, "Deployment", "actions"), 5055),
        "merchant": (named(resources, "Deployment", "merchant"), 8088),
        "postgres": (named(resources, "StatefulSet", "postgres"), 5432),
        "redis": (named(resources, "StatefulSet", "redis"), 6379),
    }
    callers = {
        "the ingress controller": app("ingress-nginx", "ingress-nginx"),
        **{name: app(name) for name in [*services, "postgres-roles"]},
        "another pod of the namespace": app("debug"),
        "a pod of another namespace": app("rasa", "elsewhere"),
    }
    allowed = {
        (caller, service)
        for caller, identity in callers.items()
        for service, (target, port) in services.items()
        if reaches(policies, identity, target, port)
    }
    assert allowed == {
        ("the ingress controller", "rasa"),
        ("rasa", "actions"),
        ("actions", "merchant"),
        ("rasa", "merchant"),  # the PIN gate submits a PIN itself (network-policy.yaml)
        ("rasa", "postgres"),
        ("merchant", "postgres"),
        ("postgres-roles", "postgres"),
        ("rasa", "redis"),
    }
    rasa = named(resources, "Deployment", "rasa")
    assert not reaches(policies, callers["the ingress controller"], rasa, 9090), "any port"


def test_the_apps_connect_to_postgresql_as_their_own_roles(resources: list[Resource]) -> None:
    rasa = pod_environment(resources, "Deployment", "rasa")
    assert rasa["ORDERLY_TRACKER_DB_USER"] == rasa["ORDERLY_TRACKER_DB_NAME"] == "orderly_tracker"
    assert rasa["ORDERLY_TRACKER_DB_PASSWORD"] == SECRETS["tracker-db-password"]
    for init in (True, False):
        merchant = pod_environment(resources, "Deployment", "merchant", init)
        url = urlsplit(merchant["DATABASE_URL"])
        assert (url.username, url.password, url.path) == (
            "orderly_merchant",
            SECRETS["merchant-db-password"],
            "/orderly_merchant",
        )
    # The superuser's password reaches PostgreSQL and the Job that creates the roles only.
    assert secret_readers(resources)["postgres-password"] == {"postgres", "postgres-roles"}


def test_redis_asks_for_the_password_that_rasa_uses(resources: list[Resource]) -> None:
    server = container(resources, "StatefulSet", "redis")
    args = [expand(arg, environment(resources, server, SECRETS)) for arg in server["args"]]
    assert args[args.index("--requirepass") + 1] == SECRETS["redis-password"]
    rasa = pod_environment(resources, "Deployment", "rasa")
    assert rasa["ORDERLY_REDIS_PASSWORD"] == SECRETS["redis-password"]
    assert urlsplit(rasa["ORDERLY_REDIS_URL"]).password == SECRETS["redis-password"]
    assert secret_readers(resources)["redis-password"] == {"redis", "rasa"}


def test_the_overlay_allows_browser_pages_of_one_https_site(resources: list[Resource]) -> None:
    rasa = pod_environment(resources, "Deployment", "rasa")
    origins = RasaSettings.from_env(rasa).cors_origins
    assert origins and all(re.fullmatch(r"https://[\w.-]+", origin) for origin in origins)


@pytest.fixture(scope="module")
def roles_postgres(engines_folder: Path) -> Iterator[PrivatePostgres]:
    from tests.scale.engines import missing_engines

    if missing_engines() or shutil.which("psql") is None:
        pytest.skip(missing_engines() or "psql is not installed")
    postgres = PrivatePostgres(engines_folder / "roles", free_port()).create()
    yield postgres
    postgres.stop()


def run_roles_job(
    resources: list[Resource], postgres: PrivatePostgres, folder: Path, passwords: dict[str, str]
) -> None:
    """The Job's container: its script and SQL from the rendered ConfigMap, its env."""
    job = container(resources, "Job", "postgres-roles")
    mount = job["volumeMounts"][0]["mountPath"]
    config_map = pod_spec(resources, "Job", "postgres-roles")["volumes"][0]["configMap"]["name"]
    for file, text in named(resources, "ConfigMap", config_map)["data"].items():
        (folder / file).write_text(text)
    command = [
        str(folder / part.removeprefix(f"{mount}/")) if part.startswith(mount) else part
        for part in job["command"]
    ]
    env = {
        **environment(resources, job, SECRETS),
        **passwords,
        "PGHOST": "127.0.0.1",
        "PGPORT": str(postgres.port),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def connects(postgres: PrivatePostgres, role: str, password: str, database: str) -> bool:
    try:
        psycopg2.connect(
            host="127.0.0.1", port=postgres.port, user=role, password=password, dbname=database
        ).close()
        return True
    except psycopg2.OperationalError:
        return False


def test_the_roles_job_gives_each_app_a_role_without_powers(
    resources: list[Resource], roles_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    admin = psycopg2.connect(host="127.0.0.1", port=roles_postgres.port, user="postgres")
    admin.autocommit = True
    query = admin.cursor()
    # The apps' roles log in with a password, as in the cluster (the rest stays trusted).
    hba = roles_postgres.data / "pg_hba.conf"
    hba.write_text(
        "host all orderly_tracker,orderly_merchant 127.0.0.1/32 scram-sha-256\n" + hba.read_text()
    )
    query.execute("SELECT pg_reload_conf()")

    passwords = {"TRACKER_DB_PASSWORD": "first-tracker", "MERCHANT_DB_PASSWORD": "first-merchant"}
    run_roles_job(resources, roles_postgres, tmp_path, passwords)
    assert connects(roles_postgres, "orderly_tracker", "first-tracker", "orderly_tracker")
    assert not connects(roles_postgres, "orderly_tracker", "first-tracker", "orderly_merchant")
    assert not connects(roles_postgres, "orderly_merchant", "first-merchant", "orderly_tracker")
    # Again, with a rotated password: nothing fails, and only the new password works.
    run_roles_job(resources, roles_postgres, tmp_path, {**passwords, "MERCHANT_DB_PASSWORD": "new"})
    assert connects(roles_postgres, "orderly_merchant", "new", "orderly_merchant")
    assert not connects(roles_postgres, "orderly_merchant", "first-merchant", "orderly_merchant")

    query.execute(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls"
        " FROM pg_roles WHERE rolname LIKE 'orderly_%'"
    )
    assert sorted(query.fetchall()) == [
        ("orderly_merchant", False, False, False, False, False),
        ("orderly_tracker", False, False, False, False, False),
    ]
    query.execute(
        "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE 'orderly_%'"
    )
    assert sorted(query.fetchall()) == [
        ("orderly_merchant", "orderly_merchant"),
        ("orderly_tracker", "orderly_tracker"),
    ]
    admin.close()


@pytest.fixture
def redis_with_password(tmp_path: Path) -> Iterator[tuple[int, str]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port, password = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path), "--requirepass", password],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis(port=port, password=password, socket_connect_timeout=1).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield port, password
    finally:
        server.terminate()
        server.wait(10)


async def test_the_lock_store_and_the_pin_store_log_in_to_redis(
    resources: list[Resource],
    redis_with_password: tuple[int, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, password = redis_with_password
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=port).ping()
    # The Rasa pod's environment, with Redis here and the password the server asks for.
    rasa = pod_environment(resources, "Deployment", "rasa")
    rasa = {key: value.replace(SECRETS["redis-password"], password) for key, value in rasa.items()}
    rasa.update(ORDERLY_REDIS_HOST="127.0.0.1", ORDERLY_REDIS_PORT=str(port))
    rasa["ORDERLY_REDIS_URL"] = rasa["ORDERLY_REDIS_URL"].replace(
        "@redis:6379", f"@127.0.0.1:{port}"
    )
    for key, value in rasa.items():
        monkeypatch.setenv(key, value)

    lock_store = LockStore.create(read_endpoint_config(str(ENDPOINTS), "lock_store"))
    assert isinstance(lock_store, RedisLockStore)
    assert lock_store.red.ping()
    pins = pending_store(RasaSettings.from_env(rasa).redis_url)
    assert isinstance(pins, RedisPendingPins)
    assert await pins.get("nobody") is None
