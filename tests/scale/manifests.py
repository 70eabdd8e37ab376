"""Reading rendered Kubernetes manifests as a cluster would (tests/scale/test_k8s.py).

Only what Orderly's manifests use is implemented, and anything else fails loudly: a pod's
environment (ConfigMaps, Secret keys, ``$(VAR)``), and NetworkPolicy ingress semantics
(networking.k8s.io/v1) with ``matchLabels`` selectors and named or numbered ports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Resource = dict[str, Any]
NAMESPACE = "orderly"


def named(resources: list[Resource], kind: str, name: str) -> Resource:
    """The resource; a generated ConfigMap is found by its name before the hash suffix."""
    for resource in resources:
        found = resource["metadata"]["name"]
        if resource["kind"] == kind and (found == name or found.rsplit("-", 1)[0] == name):
            return resource
    raise AssertionError(f"no {kind} {name} in the rendered manifests")


def pod_spec(resources: list[Resource], kind: str, name: str) -> Resource:
    spec: Resource = named(resources, kind, name)["spec"]["template"]["spec"]
    return spec


def container(resources: list[Resource], kind: str, name: str, init: bool = False) -> Resource:
    spec = pod_spec(resources, kind, name)
    found: Resource = spec["initContainers" if init else "containers"][0]
    return found


def expand(value: str, env: Mapping[str, str]) -> str:
    """``$(VAR)`` as the kubelet expands it in env values, command and args."""
    return re.sub(r"\$\((\w+)\)", lambda m: env.get(m[1], m[0]), value)


def environment(
    resources: list[Resource], box: Resource, secrets: Mapping[str, str]
) -> dict[str, str]:
    """A container's environment as its process sees it, with ``secrets`` as the Secret."""
    env: dict[str, str] = {}
    for source in box.get("envFrom", []):
        env.update(named(resources, "ConfigMap", source["configMapRef"]["name"])["data"])
    for variable in box.get("env", []):
        if "value" in variable:
            env[variable["name"]] = expand(variable["value"], env)
            continue
        ref = variable["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "orderly-secrets", variable
        assert ref["key"] in secrets, f"{ref['key']} is not in the README's secret command"
        env[variable["name"]] = secrets[ref["key"]]
    return env


def secret_readers(resources: list[Resource]) -> dict[str, set[str]]:
    """Secret key -> the workloads whose pods read it."""
    readers: dict[str, set[str]] = {}
    for resource in resources:
        if resource["kind"] not in ("Deployment", "StatefulSet", "Job"):
            continue
        spec = resource["spec"]["template"]["spec"]
        for box in spec.get("initContainers", []) + spec["containers"]:
            for variable in box.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    readers.setdefault(ref["key"], set()).add(resource["metadata"]["name"])
    return readers


# NetworkPolicy semantics (networking.k8s.io/v1), for what these manifests use: a pod is
# isolated for ingress once a policy selects it, and then takes a connection only when a
# rule of a selecting policy names both the caller and the port.


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, f"this check reads matchLabels only: {selector}"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def peer_matches(peer: Mapping[str, Any], namespace: str, labels: Mapping[str, str]) -> bool:
    assert set(peer) <= {"podSelector", "namespaceSelector"}, peer
    if "namespaceSelector" in peer:
        in_namespace = selects(
            peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace}
        )
    else:
        in_namespace = namespace == NAMESPACE
    return in_namespace and selects(peer.get("podSelector", {}), labels)


def port_matches(rule: Mapping[str, Any], port: int, named_ports: Mapping[str, int]) -> bool:
    if not rule.get("ports"):
        return True
    return any(named_ports.get(p["port"], p["port"]) == port for p in rule["ports"])


def reaches(
    policies: list[Resource],
    caller: tuple[str, Mapping[str, str]],
    target: Resource,
    port: int,
) -> bool:
    namespace, labels = caller
    pod_labels = target["spec"]["template"]["metadata"]["labels"]
    named_ports = {
        p["name"]: p["containerPort"]
        for box in target["spec"]["template"]["spec"]["containers"]
        for p in box.get("ports", [])
        if "name" in p
    }
    selecting = [
        p
        for p in policies
        if "Ingress" in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], pod_labels)
    ]
    if not selecting:
        return True
    return any(
        port_matches(rule, port, named_ports)
        and (
            "from" not in rule
            or any(peer_matches(peer, namespace, labels) for peer in rule["from"])
        )
        for policy in selecting
        for rule in policy["spec"].get("ingress", [])
    )
