"""The Kubernetes manifests render with Kustomize and pass the Kubernetes schemas, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launch.stack import ROOT

OVERLAY = ROOT / "deploy" / "k8s" / "overlays" / "scaled"
REQUIREMENTS = ROOT / "deploy" / "k8s" / "requirements-validate.txt"
VALIDATOR_ENV = ROOT / "var" / "tools" / "k8s-validate"
KUBERNETES_VERSION = "1.37.0"


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
