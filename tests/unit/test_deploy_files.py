"""The deployment files, checked with what runs here (containers do not): deploy/prefect.yaml is
the list `claimtrack serve` serves; compose.yaml and the Dockerfile run commands the CLI accepts;
the Kubernetes job template is a valid Prefect base job template."""

from __future__ import annotations

import inspect
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from cli.main import build_parser
from flows.deployments import DEPLOYMENTS, WORK_POOL

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_prefect_yaml_declares_exactly_what_serve_serves():
    declared = yaml.safe_load((DEPLOY / "prefect.yaml").read_text())
    by_name = {d["name"]: d for d in declared["deployments"]}
    assert list(by_name) == [d.name for d in DEPLOYMENTS]
    for scheduled in DEPLOYMENTS:
        entry = by_name[scheduled.name]
        assert entry["entrypoint"] == scheduled.entrypoint
        assert entry["description"] == scheduled.description
        assert entry["parameters"] == dict(scheduled.parameters)
        assert entry["tags"] == list(scheduled.tags)
        assert entry["schedules"] == [{"cron": scheduled.cron, "timezone": "UTC", "active": True}]
        assert entry["concurrency_limit"] == {
            "limit": scheduled.concurrency,
            "collision_strategy": "CANCEL_NEW",
        }
        assert entry["work_pool"]["name"] == WORK_POOL


@pytest.mark.parametrize("scheduled", DEPLOYMENTS, ids=lambda d: d.name)
def test_every_entrypoint_is_a_flow_taking_its_parameters(scheduled):
    from prefect import Flow

    flow = scheduled.load()
    assert isinstance(flow, Flow)
    path = ROOT / scheduled.entrypoint.split(":")[0]
    assert path.is_file()  # `prefect deploy` reads the entrypoint as a file from the root
    accepted = inspect.signature(flow.fn).parameters
    assert set(scheduled.parameters) <= set(accepted)


def test_every_unattended_flow_is_deployed():
    """A flow a schedule needs is not forgotten: the ingestion, re-match, dashboards, alerts
    and retention flows all have a deployment."""
    flows = {d.entrypoint.split(":")[1] for d in DEPLOYMENTS}
    assert {
        "ingest_sources_flow",
        "rematch_flow",
        "refresh_dashboards_flow",
        "send_alerts_flow",
        "alert_digest_flow",
        "prune_fetch_log_flow",
    } <= flows
    assert all(re.fullmatch(r"\S+( \S+){4}", d.cron) for d in DEPLOYMENTS)


def claimtrack_command_parses(argv: list[str]) -> None:
    assert argv[0] == "claimtrack", argv
    build_parser().parse_args(argv[1:])  # exits (fails the test) on an unknown option


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_postgres_16_or_later_prefect_a_worker_and_the_web_app():
    services = compose()["services"]
    assert {"postgres", "prefect-server", "register", "worker", "web"} <= set(services)
    image = services["postgres"]["image"]
    major = int(re.search(r"pg(\d+)|postgres:(\d+)", image).group(1))
    assert major >= 16
    server = services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert server.startswith("postgresql+asyncpg://") and server.endswith("@postgres:5432/prefect")
    assert (DEPLOY / "initdb" / "01-prefect-database.sql").read_text().count("CREATE DATABASE")
    for name in ("register", "worker", "web"):
        service = services[name]
        assert service["image"] == "claimtrack:latest"
        assert service["environment"]["PREFECT_API_URL"] == "http://prefect-server:4200/api"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert services["worker"]["command"][:5] == ["prefect", "worker", "start", "--pool", WORK_POOL]


def test_compose_and_dockerfile_commands_are_ones_the_cli_accepts():
    services = compose()["services"]
    claimtrack_command_parses(services["web"]["command"])
    script = services["register"]["command"][-1]
    for step in re.split(r"&&|\|\|", script):
        words = shlex.split(step.strip(" ()\n"))
        if words and words[0] == "claimtrack":
            claimtrack_command_parses(words)
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    (cmd,) = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    claimtrack_command_parses(json.loads(cmd))
    for copied in re.findall(r"^COPY (\S+) ", dockerfile, re.MULTILINE):
        assert (ROOT / copied).exists(), copied
    assert re.search(r"^USER claimtrack$", dockerfile, re.MULTILINE)  # not root


def test_the_prefect_commands_of_compose_exist_in_this_prefect():
    services = compose()["services"]
    worker = services["worker"]["command"]
    for command in (worker[1:3], ["server", "start"], ["deploy"], ["work-pool", "create"]):
        done = subprocess.run(
            [sys.executable, "-m", "prefect", *command, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert (
        "--pool"
        in subprocess.run(
            [sys.executable, "-m", "prefect", "worker", "start", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )


def test_the_kubernetes_job_template_is_a_complete_base_job_template():
    template = json.loads((DEPLOY / "kubernetes" / "base-job-template.json").read_text())
    assert set(template) == {"job_configuration", "variables"}
    variables = template["variables"]
    jsonschema.Draft202012Validator.check_schema(variables)
    used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", json.dumps(template["job_configuration"])))
    assert used <= set(variables["properties"]), used - set(variables["properties"])
    manifest = template["job_configuration"]["job_manifest"]
    assert (manifest["apiVersion"], manifest["kind"]) == ("batch/v1", "Job")
    (container,) = manifest["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "{{ image }}"
    defaults = {
        name: spec["default"] for name, spec in variables["properties"].items() if "default" in spec
    }
    jsonschema.validate(defaults, variables)  # the defaults satisfy their own schema
