"""ingress-nginx: whole seconds, annotation over ConfigMap over built-in default, which ConfigMap, dropped values."""

from __future__ import annotations

import math

import pytest

from timeout_lint.defaults import PRECEDENCE
from timeout_lint.model import Kind, Side
from timeout_lint.parsers.ingress_nginx import atoi, parse_int_base0

APP = """
apiVersion: v1
kind: Service
metadata:
  name: export-api
  namespace: shop
  annotations: {timeout-lint/worst-case-response: "2m"}
spec:
  selector: {app: export-api}
  ports: [{name: http, port: 80}]
"""
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: reports
  namespace: shop
  annotations:
{annotations}
spec:
  ingressClassName: {cls}
  defaultBackend: {{service: {{name: export-api, port: {{name: http}}}}}}
"""
CONFIG_MAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  namespace: ingress-nginx
{labels}data:
{data}
"""
CONTROLLER = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: ingress-nginx-controller, namespace: ingress-nginx}}
spec:
  selector: {{matchLabels: {{app: controller}}}}
  template:
    metadata: {{labels: {{app: controller}}}}
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:d5f8217feeac4887cb1ed21f27c2674e58be06bd8f5184cacea2a69abaf78dce
          args: [/nginx-ingress-controller{args}]
"""


def ingress(annotations: str = "    x: y", cls: str = "nginx") -> str:
    return INGRESS.format(annotations=annotations, cls=cls)


def config_map(data: str, name: str = "ingress-nginx-controller", labels: str = "") -> str:
    return CONFIG_MAP.format(name=name, labels=labels, data=data)


def controller(args: str = "") -> str:
    return CONTROLLER.format(args=args)


def nginx_hop(tree, *documents: str):
    report = tree({"ingress.yaml": documents[0], "app.yaml": APP, **{f"more{i}.yaml": d for i, d in enumerate(documents[1:])}})
    (path,) = report.paths
    (hop,) = path.hops
    assert hop.system == "ingress-nginx"
    return hop, report


def timeout(hop, kind: Kind):
    return next(t for t in hop.timeouts if t.kind is kind)


def test_annotations_are_whole_seconds_at_their_own_line(tree):
    hop, report = nginx_hop(tree, ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "30"'))
    read = timeout(hop, Kind.IDLE)
    assert (read.seconds, read.raw, read.unit, read.explicit, read.side) == (30.0, "30", "s", True, Side.UPSTREAM)
    assert read.setting == "nginx.ingress.kubernetes.io/proxy-read-timeout"
    assert (read.location.file, read.location.line, read.location.column) == ("ingress.yaml", 7, 5)
    assert read.written == "30 s"
    assert [(f.code, f.location.line) for f in report.findings] == [("TL101", 7)]


def test_annotation_and_config_map_values_carry_their_end_of_line_comments(tree):
    hop, _ = nginx_hop(
        tree,
        ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"  # 5 minutes'),
        config_map('  proxy-connect-timeout: "10" # ten seconds\n  proxy-send-timeout: "60"'),
    )
    assert timeout(hop, Kind.IDLE).comment == "5 minutes"
    assert timeout(hop, Kind.CONNECT).comment == "ten seconds"
    assert timeout(hop, Kind.SEND).comment is None


def test_built_in_defaults_sit_on_the_ingress_with_a_hint_in_seconds(tree):
    hop, report = nginx_hop(tree, ingress())
    connect, send, read = timeout(hop, Kind.CONNECT), timeout(hop, Kind.SEND), timeout(hop, Kind.IDLE)
    assert [(t.setting, t.seconds, t.explicit) for t in (connect, send, read)] == [
        ("proxy-connect-timeout", 5.0, False),
        ("proxy-send-timeout", 60.0, False),
        ("proxy-read-timeout", 60.0, False),
    ]
    assert (read.location.line, read.location.column) == (2, 1)  # the Ingress's kind line
    assert (
        read.advice(120)
        == 'set the annotation nginx.ingress.kubernetes.io/proxy-read-timeout on Ingress shop/reports to more than "120" (seconds)'
    )
    keepalive = {t.setting: t.seconds for t in hop.timeouts if t.kind is Kind.KEEPALIVE}
    assert keepalive == {"upstream-keepalive-timeout": 60.0, "keep-alive": 75.0}
    (finding,) = report.findings
    assert finding.code == "TL102" and '"120" (seconds)' in finding.message


def test_annotation_beats_config_map_which_beats_the_default(tree):
    hop, _ = nginx_hop(
        tree,
        ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"'),
        config_map('  proxy-read-timeout: "30"\n  proxy-connect-timeout: "10"'),
    )
    read, connect, send = timeout(hop, Kind.IDLE), timeout(hop, Kind.CONNECT), timeout(hop, Kind.SEND)
    assert (read.seconds, read.location.file) == (300.0, "ingress.yaml")  # annotation
    assert (connect.seconds, connect.setting, connect.explicit) == (10.0, "proxy-connect-timeout", True)  # ConfigMap
    assert (connect.location.file, connect.location.line, connect.location.column) == ("more0.yaml", 8, 3)
    assert (send.seconds, send.explicit) == (60.0, False)  # built-in
    order = PRECEDENCE[("ingress-nginx", "timeouts")]
    assert [p.split()[1] for p in order] == ["Ingress", "key", "built-in"]


@pytest.mark.parametrize(
    "value, falls_back_to",
    [('"60s"', 120.0), ('"1m"', 120.0), ('" 30"', 120.0), ('""', 120.0), ('"-5"', 120.0), ('"+30"', 30.0), ('"0"', 0.0)],
)
def test_values_the_controller_cannot_read_fall_back_to_the_config_map(tree, value, falls_back_to):
    hop, _ = nginx_hop(
        tree,
        ingress(f"    nginx.ingress.kubernetes.io/proxy-read-timeout: {value}"),
        config_map('  proxy-read-timeout: "120"'),
    )
    read = timeout(hop, Kind.IDLE)
    assert read.seconds == falls_back_to
    if falls_back_to == 120.0:
        assert read.location.file == "more0.yaml"
        assert any(note.startswith("nginx.ingress.kubernetes.io/proxy-read-timeout") and "ignored" in note for note in hop.notes)


def test_a_dropped_value_is_recorded_and_named_in_the_default_hint(tree):
    from timeout_lint.config import ProjectConfig
    from timeout_lint.parse import Inventory, read_kubernetes
    from timeout_lint.parsers.ingress_nginx import annotation_settings
    from timeout_lint.sources import SourceFile

    hop, _ = nginx_hop(tree, ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300s"'))
    read = timeout(hop, Kind.IDLE)
    assert (read.seconds, read.explicit) == (60.0, False)
    assert read.advice(120) == (
        "write the annotation nginx.ingress.kubernetes.io/proxy-read-timeout on Ingress shop/reports as whole seconds, "
        'more than "120" (its value "300s" is ignored)'
    )
    # the dropped value itself, for the rules that report it
    inventory = Inventory(config=ProjectConfig())
    read_kubernetes(SourceFile("/x/i.yaml", "i.yaml", ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300s"')), inventory)
    (dropped,) = annotation_settings(inventory.kubernetes.ingresses[0].meta.annotations).dropped
    assert (dropped.setting, dropped.raw, dropped.location.line, dropped.location.column) == (
        "nginx.ingress.kubernetes.io/proxy-read-timeout",
        "300s",
        7,
        5,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("60", 60),
        ("", 0),
        ("0x3c", 60),
        ("074", 60),
        ("0b111100", 60),
        ("1_000", 1000),
        ("-1", -1),
        ("60s", None),
        (" 60", None),
        ("08", None),
    ],
)
def test_config_map_integers_decode_like_go_parseint_base_0(text, expected):
    assert parse_int_base0(text) == expected


@pytest.mark.parametrize("text, expected", [("60", 60), ("+60", 60), ("-1", -1), ("0x3c", None), ("60s", None), ("", None), (" 6", None)])
def test_annotation_integers_read_like_go_atoi(text, expected):
    assert atoi(text) == expected


def test_config_map_value_that_does_not_decode_keeps_the_built_in_default(tree):
    hop, report = nginx_hop(
        tree, ingress(), config_map('  proxy-read-timeout: "2m"\n  proxy-send-timeout: "0x78"\n  proxy-connect-timeout: {a: 1}')
    )
    assert (timeout(hop, Kind.IDLE).seconds, timeout(hop, Kind.IDLE).explicit) == (60.0, False)
    assert timeout(hop, Kind.SEND).seconds == 120.0
    assert (timeout(hop, Kind.CONNECT).seconds, timeout(hop, Kind.CONNECT).explicit) == (5.0, False)
    assert any("proxy-read-timeout" in n and '"2m"' in n for n in hop.notes)
    # a mapping where ConfigMap data takes a string is reported where it is written (TL008), and left out
    assert [(f.code, f.message) for f in report.findings if f.code == "TL008"] == [
        ("TL008", 'data["proxy-connect-timeout"] must be a string, not a mapping; ignored')
    ]


def test_only_the_config_map_keys_something_reads_are_kept_and_every_value_is_checked(tree):
    from tests.parsers.test_kong import inventory_of

    data = '  proxy-read-timeout: "300"\n  app.json: |\n    {"big": "settings"}\n  feature: {a: 1}\n  keep-alive: "75"'
    inventory = inventory_of(tree, {"cm.yaml": config_map(data)})
    (found,) = inventory.kubernetes.config_maps
    assert sorted(found.data) == ["keep-alive", "proxy-read-timeout"]
    assert [p.message for p in inventory.problems] == ['data["feature"] must be a string, not a mapping; ignored']


def test_retries_defaults_and_annotations(tree):
    hop, _ = nginx_hop(tree, ingress())
    assert (hop.retries.extra_tries, hop.retries.explicit, hop.retries.on, hop.retries.window) == (2, False, "error timeout", math.inf)
    hop, _ = nginx_hop(
        tree,
        ingress(
            '    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "5"\n'
            '    nginx.ingress.kubernetes.io/proxy-next-upstream: "error timeout http_502"\n'
            '    nginx.ingress.kubernetes.io/proxy-next-upstream-timeout: "30"'
        ),
    )
    retries = hop.retries
    assert (retries.extra_tries, retries.raw, retries.explicit, retries.on, retries.window) == (
        4,
        "5",
        True,
        "error timeout http_502",
        30.0,
    )
    assert (retries.location.line, retries.location.column) == (7, 5)


def test_retries_off_unlimited_and_from_the_config_map(tree):
    hop, _ = nginx_hop(tree, ingress('    nginx.ingress.kubernetes.io/proxy-next-upstream: "off"'))
    assert hop.retries.extra_tries == 0
    hop, _ = nginx_hop(tree, ingress('    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "0"'))
    assert hop.retries.extra_tries == -1  # nginx: no count of its own
    hop, _ = nginx_hop(tree, ingress(), config_map('  proxy-next-upstream-tries: "1"'))
    assert (hop.retries.extra_tries, hop.retries.location.file) == (0, "more0.yaml")
    hop, _ = nginx_hop(tree, ingress('    nginx.ingress.kubernetes.io/proxy-next-upstream: "error sometimes"'))
    assert hop.retries.on == "error timeout" and any("proxy-next-upstream" in n for n in hop.notes)


def test_the_config_map_named_by_the_controllers_flag_is_the_one_read(tree):
    hop, _ = nginx_hop(
        tree,
        ingress(),
        controller(", --configmap=$(POD_NAMESPACE)/custom"),
        config_map('  proxy-read-timeout: "300"', name="custom"),
        config_map('  proxy-read-timeout: "30"'),  # the usual name, but not the one the controller reads
    )
    read = timeout(hop, Kind.IDLE)
    assert (read.seconds, read.location.file) == (300.0, "more1.yaml")


def test_a_controller_without_the_flag_reads_no_config_map(tree):
    hop, _ = nginx_hop(tree, ingress(), controller(), config_map('  proxy-read-timeout: "30"'))
    assert (timeout(hop, Kind.IDLE).seconds, timeout(hop, Kind.IDLE).explicit) == (60.0, False)


def test_a_named_config_map_missing_from_the_files_leaves_its_values_unknown(tree):
    hop, report = nginx_hop(tree, ingress(), controller(", --configmap=ingress-nginx/elsewhere"))
    assert [t.kind for t in hop.timeouts if t.kind.bounds_response] == []
    assert any("proxy-read-timeout unknown: ConfigMap ingress-nginx/elsewhere is not in the linted files" in n for n in hop.notes)
    assert report.findings == ()


def test_candidate_config_maps_are_never_guessed_between(tree):
    hop, _ = nginx_hop(
        tree,
        ingress(),
        config_map('  proxy-read-timeout: "30"\n  proxy-connect-timeout: "10"'),
        config_map('  proxy-read-timeout: "300"\n  proxy-connect-timeout: "10"', name="nginx-configuration"),
    )
    assert [t for t in hop.timeouts if t.kind is Kind.IDLE] == []
    assert timeout(hop, Kind.CONNECT).seconds == 10.0  # both agree
    (note,) = [n for n in hop.notes if n.startswith("proxy-read-timeout")]
    assert (
        '"30" in ConfigMap ingress-nginx/ingress-nginx-controller' in note
        and '"300" in ConfigMap ingress-nginx/nginx-configuration' in note
    )


@pytest.mark.parametrize(
    "name, labels, counts",
    [
        ("ingress-nginx-controller", "", True),
        ("nginx-configuration", "", True),
        ("prod-ingress-nginx-controller", "", True),
        ("anything", "  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}\n", True),
        ("tcp-services", "  labels: {app.kubernetes.io/name: ingress-nginx}\n", False),
        ("nginx-config", "", False),  # F5 NGINX Ingress Controller's, another product
    ],
)
def test_which_config_maps_count_as_the_controllers_without_a_controller_in_the_tree(tree, name, labels, counts):
    hop, _ = nginx_hop(tree, ingress(), config_map('  proxy-read-timeout: "30"', name=name, labels=labels))
    assert (timeout(hop, Kind.IDLE).seconds == 30.0) is counts


def test_annotations_prefix_flag(tree):
    hop, _ = nginx_hop(
        tree,
        ingress('    custom.example.com/proxy-read-timeout: "300"\n    nginx.ingress.kubernetes.io/proxy-read-timeout: "30"'),
        controller(", --annotations-prefix=custom.example.com"),
    )
    assert timeout(hop, Kind.IDLE).seconds == 300.0


def test_ingress_class_object_naming_the_controller(tree):
    klass = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: internal}\nspec: {controller: k8s.io/ingress-nginx}\n"
    hop, _ = nginx_hop(tree, ingress(cls="internal"), klass)
    assert hop.name == "location for Ingress shop/reports"


def test_class_less_ingress_taken_by_a_controller_watching_ingresses_without_class(tree):
    classless = ingress().replace("  ingressClassName: nginx\n", "")
    hop, _ = nginx_hop(tree, classless, controller(", --watch-ingress-without-class=true"))
    assert hop.system == "ingress-nginx"
    report = tree({"ingress.yaml": classless, "app.yaml": APP, "more0.yaml": controller()})
    assert report.paths[0].hops[0].system == "ingress controller (no class)"
