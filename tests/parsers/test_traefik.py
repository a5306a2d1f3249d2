"""Traefik: IngressRoute, ServersTransport, the static configuration (YAML, TOML, arguments); units, positions, precedence."""

from __future__ import annotations

import math

import pytest

from timeout_lint.config import ProjectConfig
from timeout_lint.model import Kind, Side
from timeout_lint.parse import Inventory, parse_all, read_kubernetes
from timeout_lint.sources import SourceFile


def parsed(text: str, kind: str) -> tuple[list, list]:
    from timeout_lint.lazy import load
    from timeout_lint.parsers.kubernetes import CUSTOM_RESOURCES

    inventory = Inventory(config=ProjectConfig())
    read_kubernetes(SourceFile("/x/m.yaml", "m.yaml", text), inventory)
    objects = [load(CUSTOM_RESOURCES[kind])(meta, doc) for meta, doc in inventory.kubernetes.custom.get(kind, [])]
    return objects, list(inventory.problems) + [p for o in objects for p in getattr(o, "problems", ())]


TRANSPORT = """apiVersion: {group}/v1alpha1
kind: ServersTransport
metadata: {{name: slow, namespace: shop}}
spec:
  serverName: api.internal
  forwardingTimeouts:
    dialTimeout: 42
    responseHeaderTimeout: {header}
    idleConnTimeout: 42ms
    pingTimeout: 15s
"""


@pytest.mark.parametrize("group", ["traefik.io", "traefik.containo.us"])
def test_servers_transport_units_kinds_and_positions(group):
    (transport,), problems = parsed(TRANSPORT.format(group=group, header="1m30s"), f"{group}/ServersTransport")
    assert problems == []
    dial, header, idle = (transport.timeouts[name] for name in ("dialTimeout", "responseHeaderTimeout", "idleConnTimeout"))
    assert (dial.seconds, dial.raw, dial.unit, dial.kind, dial.written) == (
        42,
        "42",
        "s",
        Kind.CONNECT,
        "42 s",
    )  # bare digits: seconds
    assert (header.seconds, header.unit, header.kind, header.side) == (90, None, Kind.FIRST_BYTE, Side.UPSTREAM)
    assert (header.setting, header.location.line, header.location.column) == ("forwardingTimeouts.responseHeaderTimeout", 8, 5)
    assert (idle.seconds, idle.kind) == (0.042, Kind.KEEPALIVE)
    assert "pingTimeout" not in transport.timeouts


@pytest.mark.parametrize("header", ["0", "0s", "-1s"])
def test_zero_or_negative_means_no_timeout(header):
    (transport,), problems = parsed(TRANSPORT.format(group="traefik.io", header=header), "traefik.io/ServersTransport")
    assert problems == [] and math.isinf(transport.timeouts["responseHeaderTimeout"].seconds)


@pytest.mark.parametrize("header", ["ten", "1.5", "true"])
def test_invalid_transport_value_is_dropped_and_becomes_zero(header):
    # paerser Duration.Set stores 0 on a parse error, and Traefik only logs it: no timeout at all (TL306 reports it)
    (transport,), problems = parsed(TRANSPORT.format(group="traefik.io", header=header), "traefik.io/ServersTransport")
    assert problems == []
    (dropped,) = transport.dropped
    assert (dropped.setting, dropped.raw) == ("forwardingTimeouts.responseHeaderTimeout", header)
    assert "Traefik logs an error and sets 0" in dropped.reason
    assert (dropped.location.line, dropped.location.column) == (8, 5)
    assert math.isinf(transport.timeouts["responseHeaderTimeout"].seconds)


def test_ingress_route_routes_services_and_transport_positions():
    text = """apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: web, namespace: shop}
spec:
  entryPoints: [websecure]
  routes:
    - match: Host(`a.example.com`)
      kind: Rule
      services:
        - name: api
          port: 80
          serversTransport: slow
        - {name: weighted, kind: TraefikService}
    - match: PathPrefix(`/b`)
      services:
        - {name: b, namespace: other, port: http}
"""
    (route,), problems = parsed(text, "traefik.io/IngressRoute")
    assert problems == [] and route.entry_points == ("websecure",)
    first, second = route.routes
    assert first.match == "Host(`a.example.com`)" and first.location.line == 7
    api, weighted = first.backends
    assert (api.name, api.namespace, api.kind, api.port, api.servers_transport) == ("api", None, "Service", 80, "slow")
    assert (api.location.line, api.location.column) == (10, 11)
    assert (api.servers_transport_location.line, api.servers_transport_location.column) == (12, 11)
    assert weighted.kind == "TraefikService"
    (b,) = second.backends
    assert (b.name, b.namespace, b.port) == ("b", "other", "http")


def static(tmp_path, files: dict[str, str]) -> Inventory:
    from timeout_lint.discover import discover

    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    from timeout_lint.parse import ParseOptions

    return parse_all(discover(["."], str(tmp_path)), ProjectConfig(), ParseOptions(str(tmp_path)))


STATIC_YAML = """entryPoints:
  web:
    address: ":80"
  WebSecure:
    address: ":443"
    Transport:
      respondingTimeouts:
        readTimeout: 0
        writeTimeout: 300
        IdleTimeout: 3m
serversTransport:
  forwardingTimeouts:
    responseHeaderTimeout: 45s
"""


def test_static_yaml_keys_are_case_insensitive_and_positions_exact(tmp_path):
    inventory = static(tmp_path, {"traefik.yml": STATIC_YAML})
    assert inventory.problems == []
    (config,) = inventory.traefik_static
    assert config.source == "traefik.yml" and config.from_file
    assert set(config.entry_points) == {"web", "websecure"}
    secure = config.entry_points["websecure"]
    assert secure.name == "WebSecure" and secure.location.line == 4
    read, write, idle = (secure.timeouts[f] for f in ("readTimeout", "writeTimeout", "idleTimeout"))
    assert math.isinf(read.seconds) and read.kind is Kind.REQUEST_READ and read.side is Side.DOWNSTREAM
    assert (write.seconds, write.kind, write.location.line, write.location.column) == (300, Kind.TOTAL, 9, 9)
    assert write.setting == "entryPoints.WebSecure.transport.respondingTimeouts.writeTimeout"
    assert (idle.seconds, idle.kind) == (180, Kind.KEEPALIVE)
    header = config.forwarding["responseHeaderTimeout"]
    assert (header.seconds, header.location.line, header.location.column) == (45, 13, 5)
    assert config.entry_points["web"].timeouts == {}


def test_static_yaml_invalid_value_is_reported_traefik_would_not_start(tmp_path):
    inventory = static(
        tmp_path, {"traefik.yaml": "entryPoints:\n  web:\n    transport:\n      respondingTimeouts:\n        writeTimeout: 10x\n"}
    )
    (problem,) = inventory.problems
    assert problem.rule == "invalid-configuration" and "refuses to start" in problem.message
    assert (problem.location.line, problem.location.column) == (5, 23)
    assert inventory.traefik_static[0].entry_points["web"].timeouts == {}


def test_a_file_named_traefik_yaml_with_manifests_is_read_as_manifests(tmp_path):
    inventory = static(tmp_path, {"k8s/traefik.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: traefik}\nspec: {}\n"})
    assert inventory.traefik_static == [] and [s.meta.name for s in inventory.kubernetes.services] == ["traefik"]


STATIC_TOML = """# static configuration
[entryPoints]
  [entryPoints.web]
    address = ":80"
    [entryPoints.web.transport.respondingTimeouts]
      readTimeout = "30s"
      writeTimeout = 90
  [entryPoints.admin]
    address = ":9000"
    transport.respondingTimeouts = { writeTimeout = "5s" }

[serversTransport.forwardingTimeouts]
  dialTimeout = "3s"
"""


def test_static_toml_values_and_positions(tmp_path):
    inventory = static(tmp_path, {"traefik.toml": STATIC_TOML})
    assert inventory.problems == []
    (config,) = inventory.traefik_static
    web = config.entry_points["web"]
    assert web.location.line == 3
    read, write = web.timeouts["readTimeout"], web.timeouts["writeTimeout"]
    assert (read.seconds, read.location.line, read.location.column) == (30, 6, 7)
    assert (write.seconds, write.raw, write.unit, write.location.line) == (90, "90", "s", 7)
    # an inline table: the value is read, its place is the nearest written key
    admin_write = config.entry_points["admin"].timeouts["writeTimeout"]
    assert (admin_write.seconds, admin_write.location.line, admin_write.location.column) == (5, 10, 5)
    dial = config.forwarding["dialTimeout"]
    assert (dial.seconds, dial.kind, dial.location.line, dial.location.column) == (3, Kind.CONNECT, 13, 3)


def test_broken_toml_is_unparsable_input_at_its_line(tmp_path):
    inventory = static(tmp_path, {"traefik.toml": "[entryPoints]\n  web = {\n"})
    (problem,) = inventory.problems
    assert problem.rule == "unparsable-input" and problem.message.startswith("invalid TOML") and problem.location.line == 2
    assert inventory.traefik_static == []


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: traefik, namespace: edge}}
spec:
  selector: {{matchLabels: {{app: traefik}}}}
  template:
    metadata: {{labels: {{app: traefik}}}}
    spec:
      containers:
        - name: traefik
          image: {image}
          args:
{args}
"""


def test_container_arguments_both_flag_forms_case_insensitive(tmp_path):
    args = (
        "            - --entryPoints.web.address=:80\n"
        "            - --entrypoints.web.transport.respondingTimeouts.writeTimeout=45\n"
        "            - --ENTRYPOINTS.web.transport.respondingtimeouts.readtimeout\n"
        "            - 10s\n"
        "            - --serversTransport.forwardingTimeouts.responseHeaderTimeout=1m\n"
        "            - --providers.kubernetescrd\n"
    )
    inventory = static(tmp_path, {"traefik-deploy.yaml": DEPLOYMENT.format(image="docker.io/library/traefik:v3.1", args=args)})
    assert inventory.problems == []
    (config,) = inventory.traefik_static
    assert config.source == "Deployment edge/traefik container traefik arguments" and not config.from_file
    web = config.entry_points["web"]
    write, read = web.timeouts["writeTimeout"], web.timeouts["readTimeout"]
    assert (write.seconds, write.setting, write.location.line, write.location.column) == (
        45,
        "--entrypoints.web.transport.respondingTimeouts.writeTimeout",
        14,
        15,
    )
    assert (read.seconds, read.location.line) == (10, 15)
    assert config.forwarding["responseHeaderTimeout"].seconds == 60


def test_every_kind_of_static_value_and_transport_carries_its_end_of_line_comment(tmp_path):
    (transport,), _ = parsed(TRANSPORT.format(group="traefik.io", header="10m  # ten minutes"), "traefik.io/ServersTransport")
    assert transport.timeouts["responseHeaderTimeout"].comment == "ten minutes"
    assert transport.timeouts["dialTimeout"].comment is None
    yaml_text = STATIC_YAML.replace("writeTimeout: 300", "writeTimeout: 300 # 5 minutes").replace("45s", "45s  # header")
    toml_text = STATIC_TOML.replace('readTimeout = "30s"', 'readTimeout = "30s"  # 30 seconds').replace(
        '{ writeTimeout = "5s" }', '{ writeTimeout = "5s" }  # says nothing about one key of several'
    )
    args = (
        "            - --entrypoints.web.transport.respondingTimeouts.writeTimeout=45  # 45 s\n"
        "            - --entrypoints.web.transport.respondingTimeouts.readTimeout\n"
        "            - 10s # the value's own line\n"
    )
    inventory = static(
        tmp_path,
        {
            "yaml/traefik.yml": yaml_text,
            "toml/traefik.toml": toml_text,
            "deploy.yaml": DEPLOYMENT.format(image="traefik:v3.1", args=args),
        },
    )
    by_source = {config.source: config for config in inventory.traefik_static}
    from_yaml = by_source["yaml/traefik.yml"]
    assert from_yaml.entry_points["websecure"].timeouts["writeTimeout"].comment == "5 minutes"
    assert from_yaml.entry_points["websecure"].timeouts["idleTimeout"].comment is None
    assert from_yaml.forwarding["responseHeaderTimeout"].comment == "header"
    from_toml = by_source["toml/traefik.toml"]
    assert from_toml.entry_points["web"].timeouts["readTimeout"].comment == "30 seconds"
    assert from_toml.entry_points["admin"].timeouts["writeTimeout"].comment is None  # inline table: not its own line
    assert from_toml.forwarding["dialTimeout"].comment is None
    from_args = by_source["Deployment edge/traefik container traefik arguments"].entry_points["web"]
    assert (from_args.timeouts["writeTimeout"].comment, from_args.timeouts["readTimeout"].comment) == ("45 s", "the value's own line")


@pytest.mark.parametrize(
    "image, args",
    [
        (
            "traefik:v3.1",
            "            - --configFile=/config/traefik.yml\n            - --entrypoints.web.transport.respondingtimeouts.writetimeout=5\n",
        ),
        ("nginx:1.27", "            - --entrypoints.web.transport.respondingtimeouts.writetimeout=5\n"),
    ],
)
def test_containers_that_read_a_file_or_are_not_traefik_give_no_static_configuration(tmp_path, image, args):
    inventory = static(tmp_path, {"deploy.yaml": DEPLOYMENT.format(image=image, args=args)})
    assert inventory.traefik_static == []


def test_files_come_before_container_arguments(tmp_path):
    inventory = static(
        tmp_path,
        {
            "deploy.yaml": DEPLOYMENT.format(image="traefik:v2.11", args="            - --entrypoints.web.address=:80\n"),
            "z/traefik.yml": STATIC_YAML,
        },
    )
    assert [c.source for c in inventory.traefik_static] == ["z/traefik.yml", "Deployment edge/traefik container traefik arguments"]


def test_null_fields_are_unset_not_errors(tmp_path):
    (transport,), problems = parsed(TRANSPORT.format(group="traefik.io", header="null"), "traefik.io/ServersTransport")
    assert problems == [] and "responseHeaderTimeout" not in transport.timeouts
    inventory = static(
        tmp_path, {"traefik.yml": "entryPoints:\n  web:\n    transport:\n      respondingTimeouts:\n        writeTimeout:\n"}
    )
    assert inventory.problems == [] and inventory.traefik_static[0].entry_points["web"].timeouts == {}
