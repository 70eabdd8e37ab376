"""Starts and stops Orderly's three services: merchant platform, action server, Rasa.

Used by ``python -m launch`` (``make run`` / ``make serve``) and by the end-to-end tests,
so the tests start the services exactly the way a user does.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import yaml

from contracts.settings import child_environment
from launch.settings import DEFAULT_PORTS, ROOT, LaunchSettings

MODEL = ROOT / "models" / "orderly.tar.gz"
STARTUP_TIMEOUT_SECONDS = 240.0
STOP_TIMEOUT_SECONDS = 10.0
# Secrets every service shares: the customer-token key and the action server's credential
# for the merchant. Generated once into <data_dir>/secrets/ unless the environment sets them.
# And the Rasa server's credential for the action server (endpoints.yml's token).
SHARED_SECRETS = {
    "ORDERLY_JWT_SECRET": "jwt_secret",
    "ORDERLY_SERVICE_TOKEN": "service_token",
    "ORDERLY_ACTION_TOKEN": "action_token",
}
SECRET_BYTES = 32
DEMO_SIGN_IN = "ORDERLY_DEMO_SIGN_IN"


class PortInUse(RuntimeError):
    """A port the stack needs is taken; the message says which, by whom, and what to do."""


@dataclass(frozen=True)
class StackConfig:
    """Where the services listen and keep their files; ``env`` is added to their environment."""

    data_dir: Path = ROOT / "var"
    merchant_port: int = DEFAULT_PORTS["merchant"]
    actions_port: int = DEFAULT_PORTS["actions"]
    rasa_port: int = DEFAULT_PORTS["rasa"]
    # Home Assistant's Wyoming requests, served by the Rasa process (channels/wyoming).
    wyoming_port: int = DEFAULT_PORTS["wyoming"]
    host: str = "127.0.0.1"
    env: dict[str, str] = field(default_factory=dict)
    allowed_origins: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: LaunchSettings) -> StackConfig:
        return cls(
            data_dir=settings.data_dir,
            merchant_port=settings.merchant_port,
            actions_port=settings.actions_port,
            rasa_port=settings.rasa_port,
            wyoming_port=settings.wyoming_port,
            allowed_origins=settings.cors_origins,
        )

    @property
    def merchant_url(self) -> str:
        return f"http://{self.host}:{self.merchant_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def wyoming_url(self) -> str:
        return f"tcp://{self.host}:{self.wyoming_port}"

    @property
    def cors_origins(self) -> list[str]:
        """Pages allowed to call Rasa from a browser (``--cors``, the voice websocket).

        ``ORDERLY_CORS_ORIGINS`` in ``env``, else the configured ``allowed_origins``, else
        only the demo page this Rasa server serves itself.
        """
        given = LaunchSettings.from_env(self.env).cors_origins or self.allowed_origins
        if given:
            return list(given)
        return [f"http://localhost:{self.rasa_port}", f"http://127.0.0.1:{self.rasa_port}"]

    @property
    def ports(self) -> dict[str, int]:
        """Every port the stack listens on, by the setting that moves it."""
        return {
            "ORDERLY_MERCHANT_PORT": self.merchant_port,
            "ORDERLY_ACTIONS_PORT": self.actions_port,
            "ORDERLY_RASA_PORT": self.rasa_port,
            "ORDERLY_WYOMING_PORT": self.wyoming_port,
        }

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def tracker_db(self) -> Path:
        return self.data_dir / "tracker.sqlite3"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"


@dataclass
class Service:
    name: str
    argv: list[str]
    health_url: str
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None


class Stack:
    """The running services; a context manager that always stops what it started."""

    def __init__(self, config: StackConfig, progress: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.progress = progress
        python = sys.executable
        self.services = [
            Service("merchant", [python, "-m", "merchant"], f"{config.merchant_url}/health"),
            Service("actions", [python, "-m", "actions"], f"{config.actions_url}/health"),
            Service(
                "rasa",
                [
                    python, "-m", "launch.rasa_process", "run", "--model", str(MODEL),
                    "--credentials", str(ROOT / "credentials.yml"),
                    "--endpoints", str(self._endpoints_file()), "--port", str(config.rasa_port),
                    "--interface", config.host, "--cors", *config.cors_origins,
                ],
                f"{config.rasa_url}/webhooks/rest/",
            ),
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        c = self.config
        return child_environment(
            {
                # make run / make serve: the widget's demo page signs demo customers in
                # itself unless the environment says otherwise (the container image and
                # the manifests leave it off).
                DEMO_SIGN_IN: child_environment().get(DEMO_SIGN_IN, "1"),
                "ORDERLY_DATA_DIR": str(c.data_dir),
                "ORDERLY_MERCHANT_HOST": c.host,
                "ORDERLY_MERCHANT_PORT": str(c.merchant_port),
                "ORDERLY_MERCHANT_URL": c.merchant_url,
                "ORDERLY_ACTIONS_HOST": c.host,
                "ORDERLY_ACTIONS_PORT": str(c.actions_port),
                "ORDERLY_RASA_PORT": str(c.rasa_port),
                "ORDERLY_LEXICON_URL": f"{c.actions_url}/lexicon",
                "ORDERLY_WYOMING_HOST": c.host,
                "ORDERLY_WYOMING_PORT": str(c.wyoming_port),
                "ORDERLY_CORS_ORIGINS": " ".join(c.cors_origins),
                "PYTHONPATH": str(ROOT),
                **shared_secrets(c.secrets_dir, child_environment(c.env)),
                **c.env,
            }
        )

    def ports(self) -> dict[str, int]:
        """Every port this stack listens on, by the setting that moves it."""
        return self.config.ports

    def start(self) -> Stack:
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        refuse_ports_in_use(self.config.host, self.ports())
        env = self.environment()
        try:
            for service in self.services:
                self._launch(service, env)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for service in reversed(self.services):
            self._stop(service)

    def stop_service(self, name: str) -> None:
        """Stop one service (tests use it to show a backend outage loses nothing)."""
        self._stop(self._service(name))

    def start_service(self, name: str) -> None:
        self._launch(self._service(name), self.environment())

    def _service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def _launch(self, service: Service, env: dict[str, str]) -> None:
        service.log = open(self.config.log_dir / f"{service.name}.log", "ab")
        service.process = subprocess.Popen(
            service.argv, cwd=ROOT, env=env, stdout=service.log, stderr=subprocess.STDOUT
        )
        self._wait_until_healthy(service)

    def _stop(self, service: Service) -> None:
        process = service.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if service.log is not None:
            service.log.close()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_until_healthy(self, service: Service) -> None:
        started = time.monotonic()
        deadline = started + STARTUP_TIMEOUT_SECONDS
        assert service.process is not None
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                log = self.config.log_dir / f"{service.name}.log"
                raise RuntimeError(f"{service.name} exited while starting; see {log}")
            try:
                if httpx.get(service.health_url, timeout=2.0).status_code == 200:
                    if self.progress is not None:
                        self.progress(f"  {service.name} up ({time.monotonic() - started:.0f} s)")
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{service.name} did not answer {service.health_url} in time")

    def _endpoints_file(self) -> Path:
        """endpoints.yml with this stack's action server and tracker database."""
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
        endpoints["action_endpoint"]["url"] = f"{self.config.actions_url}/webhook"
        endpoints["tracker_store"]["db"] = str(self.config.tracker_db)
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.config.data_dir / "endpoints.runtime.yml"
        path.write_text(yaml.safe_dump(endpoints))
        return path


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on ``host:port`` (a socket in TIME_WAIT does not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def refuse_ports_in_use(host: str, ports: dict[str, int]) -> None:
    """Raise :class:`PortInUse` naming every taken port, before anything starts."""
    taken = [f"{port} ({setting})" for setting, port in ports.items() if port_in_use(host, port)]
    if taken:
        raise PortInUse(
            f"already in use on {host}: port {', '.join(taken)}. Another `make run` or "
            "`make serve` may be running (stop it), or move a service with its setting, e.g. "
            "ORDERLY_RASA_PORT=5105 make run. `make doctor` checks every port."
        )


def shared_secrets(directory: Path, environ: dict[str, str]) -> dict[str, str]:
    """Each shared secret from `environ`, else from its file in `directory`, created once
    (owner-only) with a fresh random value, so restarts keep tokens valid."""
    values = {}
    for variable, file_name in SHARED_SECRETS.items():
        if environ.get(variable):
            values[variable] = environ[variable]
            continue
        path = directory / file_name
        if not path.exists():
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            draft = directory / f".{file_name}.{os.getpid()}"
            draft.touch(mode=0o600)
            draft.write_text(secrets.token_urlsafe(SECRET_BYTES))
            try:
                # Linking is atomic and refuses an existing name: of two launchers starting
                # at once, one secret wins and both read it.
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        values[variable] = path.read_text().strip()
    return values
