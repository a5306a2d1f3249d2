"""Kong: milliseconds, annotations over KongIngress over defaults, controller versions."""

from __future__ import annotations

import pytest

from timeout_lint.model import Kind

SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: export-api
  namespace: shop
  annotations:
{annotations}
spec:
  selector: {{app: export-api}}
  ports: [{{name: http, port: 80}}]
"""
INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: reports, namespace: shop}
spec:
  ingressClassName: kong
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: export-api, port: {number: 80}}}}
"""
KONG_INGRESS = """
apiVersion: configuration.konghq.com/v1
kind: KongIngress
metadata: {name: slow, namespace: shop}
proxy:
  connect_timeout: 5000
  read_timeout: 300000
  retries: 2
"""


def kong_hop(tree, annotations: str, extra: str = "", config: str | None = None):
    files = {"k8s.yaml": SERVICE.format(annotations=annotations) + "---" + INGRESS + ("---" + extra if extra else "")}
    if config is not None:
        files[".timeout-lint.yaml"] = config
    report = tree(files)
    (path,) = report.paths
    (hop,) = path.hops
    return hop, report


def timeout(hop, setting_suffix):
    return next(t for t in hop.timeouts if t.setting.endswith(setting_suffix))


def test_defaults_when_nothing_is_set(tree):
    hop, _ = kong_hop(tree, "    x: y")
    read = timeout(hop, "read_timeout")
    assert (read.seconds, read.explicit, read.kind, read.raw, read.unit) == (60, False, Kind.IDLE, "60000", "ms")
    assert read.location.line == 2  # the Service's kind line
    assert hop.retries.extra_tries == 5 and not hop.retries.explicit


def test_annotations_are_milliseconds(tree):
    hop, _ = kong_hop(tree, '    konghq.com/read-timeout: "150000"\n    konghq.com/retries: "0"')
    read = timeout(hop, "read-timeout")
    assert (read.seconds, read.explicit, read.location.line, read.written) == (150, True, 7, "150000 ms (2m30s)")
    assert hop.retries.extra_tries == 0


def test_annotation_beats_kongingress_which_beats_default(tree):
    hop, _ = kong_hop(
        tree,
        '    konghq.com/override: slow\n    konghq.com/read-timeout: "90000"',
        KONG_INGRESS,
    )
    assert timeout(hop, "read-timeout").seconds == 90  # annotation
    assert timeout(hop, "connect_timeout").seconds == 5  # KongIngress
    assert timeout(hop, "connect_timeout").setting == "proxy.connect_timeout"
    assert timeout(hop, "write_timeout").explicit is False  # default
    assert hop.retries.extra_tries == 2


@pytest.mark.parametrize("version, applies", [(None, True), ('"2.12"', True), ('"3.0"', False), ("3.1", False)])
def test_kongingress_proxy_depends_on_controller_version(tree, version, applies):
    config = None if version is None else f"kong-ingress-controller: {version}\n"
    hop, report = kong_hop(tree, "    konghq.com/override: slow", KONG_INGRESS, config)
    read = timeout(hop, "read_timeout")
    assert read.explicit is applies
    assert [f.code for f in report.findings] == ["TL301"]


def test_values_kong_drops_leave_the_default(tree):
    hop, _ = kong_hop(tree, '    konghq.com/read-timeout: "60s"')
    assert timeout(hop, "read_timeout").explicit is False


def test_kongingress_on_other_namespace_is_not_used(tree):
    hop, _ = kong_hop(tree, "    konghq.com/override: slow", KONG_INGRESS.replace("namespace: shop", "namespace: other"))
    assert timeout(hop, "read_timeout").explicit is False
