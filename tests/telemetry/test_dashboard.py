"""The Grafana dashboard in deploy/ asks only for metrics the services define."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import actions.telemetry  # noqa: F401  (registers the action server's metrics)
import channels.telemetry  # noqa: F401  (the Rasa server's)
import merchant.telemetry  # noqa: F401  (the merchant platform's)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "grafana"
NAME = re.compile(r"\borderly_[a-z_]+\b")
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def defined() -> set[str]:
    names = set()
    for metric in REGISTRY.collect():
        names |= {sample.name for sample in metric.samples} | {metric.name}
        names |= {metric.name + suffix for suffix in SUFFIXES}
    return names


def test_every_panel_queries_metrics_the_services_define() -> None:
    dashboard = json.loads((DEPLOY / "orderly-dashboard.json").read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {name for expression in expressions for name in NAME.findall(expression)}
    assert used and used <= defined(), used - defined()
    wanted = {
        "orderly_turns_total",
        "orderly_turn_seconds_bucket",
        "orderly_voice_stage_seconds_bucket",
        "orderly_action_seconds_bucket",
        "orderly_orders_total",
        "orderly_payments_total",
        "orderly_pin_attempts_total",
        "orderly_rate_limit_refusals_total",
        "orderly_errors_total",
    }
    assert wanted <= used


def test_the_scrape_config_names_the_three_services() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    assert [job["job_name"] for job in config["scrape_configs"]] == ["rasa", "actions", "merchant"]
