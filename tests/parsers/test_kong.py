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


def test_annotation_and_kongingress_values_carry_their_end_of_line_comments(tree):
    hop, _ = kong_hop(tree, '    konghq.com/read-timeout: "150000"  # 2.5 minutes\n    konghq.com/write-timeout: "9000"')
    assert (timeout(hop, "read-timeout").comment, timeout(hop, "write-timeout").comment) == ("2.5 minutes", None)
    extra = KONG_INGRESS.replace("read_timeout: 300000", "read_timeout: 300000  # five minutes")
    hop, _ = kong_hop(tree, "    konghq.com/override: slow", extra, config='kong-ingress-controller: "2.12"\n')
    assert (timeout(hop, "read_timeout").comment, timeout(hop, "connect_timeout").comment) == ("five minutes", None)


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


def test_kongingress_proxy_values_that_are_strings_or_null_are_not_used(tree):
    kong_ingress = KONG_INGRESS.replace("read_timeout: 300000", 'read_timeout: "300000"').replace("retries: 2", "retries: null")
    hop, _ = kong_hop(tree, "    konghq.com/override: slow", kong_ingress)
    assert timeout(hop, "read_timeout").explicit is False
    assert timeout(hop, "connect_timeout").seconds == 5
    assert hop.retries.explicit is False


def inventory_of(tree, files):
    from tests.conftest import write_tree
    from timeout_lint.config import ProjectConfig
    from timeout_lint.discover import discover
    from timeout_lint.parse import ParseOptions, parse_all

    root = write_tree(tree.root, files)
    return parse_all(discover(["."], str(root)), ProjectConfig(), ParseOptions(str(root)))


@pytest.mark.parametrize(
    "ingress_annotations, expected",
    [
        ("{konghq.com/override: routes}", ("routes", "konghq.com/override", 6)),  # the annotation's line
        ("{konghq.com/override: missing}", ("reports", "the Ingress's own name", 2)),  # falls back to the same name
        ("{}", ("reports", "the Ingress's own name", 2)),
    ],
)
def test_the_kongingress_an_ingress_picks_is_recorded(tree, ingress_annotations, expected):
    from timeout_lint.link.kong import ingress_kong_ingresses

    ingress = INGRESS.replace(
        "metadata: {name: reports, namespace: shop}", f"metadata:\n  name: reports\n  namespace: shop\n  annotations: {ingress_annotations}"
    )
    kong_ingresses = KONG_INGRESS.replace("name: slow", "name: routes") + "---" + KONG_INGRESS.replace("name: slow", "name: reports")
    inventory = inventory_of(tree, {"ing.yaml": ingress, "ki.yaml": kong_ingresses})
    (record,) = ingress_kong_ingresses(inventory)
    assert (record.name, record.via, record.location.line) == expected
    assert record.kong_ingress is not None and record.kong_ingress.meta.name == expected[0]


def test_an_ingress_naming_a_missing_kongingress_is_an_unresolved_record(tree):
    from timeout_lint.link.kong import ingress_kong_ingresses

    ingress = INGRESS.replace(
        "metadata: {name: reports, namespace: shop}",
        "metadata:\n  name: reports\n  namespace: shop\n  annotations: {konghq.com/override: gone}",
    )
    (record,) = ingress_kong_ingresses(inventory_of(tree, {"ing.yaml": ingress}))
    assert (record.name, record.kong_ingress, record.location.line, record.location.column) == ("gone", None, 6, 17)


def test_a_kongingress_on_the_ingress_never_sets_the_kong_hop(tree):
    ingress = INGRESS.replace(
        "metadata: {name: reports, namespace: shop}",
        "metadata:\n  name: reports\n  namespace: shop\n  annotations: {konghq.com/override: slow}",
    )
    report = tree({"k8s.yaml": SERVICE.format(annotations="    x: y") + "---" + ingress + "---" + KONG_INGRESS})
    (path,) = report.paths
    (hop,) = path.hops
    assert timeout(hop, "read_timeout").explicit is False  # Kong's default, not the KongIngress's 300000
    assert hop.retries.explicit is False
    assert any("has no effect there" in note and "KongIngress shop/slow" in note for note in hop.notes)


def test_kong_upstream_policy_references_resolve_in_the_service_namespace(tree):
    from timeout_lint.link.kong import upstream_policy_references

    policy = (
        "apiVersion: configuration.konghq.com/v1beta1\nkind: KongUpstreamPolicy\nmetadata: {name: sticky, namespace: shop}\n"
        "spec:\n  algorithm: consistent-hashing\n  healthchecks: {active: {timeout: 5}}\n"
    )
    services = (
        SERVICE.format(annotations="    konghq.com/upstream-policy: sticky")
        + "---"
        + SERVICE.format(annotations="    konghq.com/upstream-policy: sticky")
        .replace("name: export-api", "name: other")
        .replace("namespace: shop", "namespace: web")
    )
    inventory = inventory_of(tree, {"svc.yaml": services, "policy.yaml": policy})
    (parsed,) = inventory.custom["KongUpstreamPolicy"]
    assert parsed.algorithm == "consistent-hashing"
    found, missing = upstream_policy_references(inventory)
    assert (found.service.name, found.policy, found.location.line) == ("export-api", parsed, 7)
    assert (missing.service.ref, missing.name, missing.policy) == ("Service web/other", "sticky", None)
