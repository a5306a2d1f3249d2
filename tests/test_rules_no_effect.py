"""TL302-TL305: settings written where nothing reads them (a KongIngress proxy block on an Ingress, an annotation on
the wrong object or for another controller's class, an annotation name nothing knows)."""

from __future__ import annotations

import pytest

INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: reports
  namespace: shop
  annotations:
{annotations}
spec:
{spec}  rules:
    - http:
        paths:
          - {{path: /, pathType: Prefix, backend: {{service: {{name: export-api, port: {{number: 80}}}}}}}}
"""
SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: export-api
  namespace: shop
  annotations:
{annotations}
spec:
  type: {type}
  ports: [{{name: http, port: 80}}]
"""


def ingress(annotations: str = "    x: y", class_name: str | None = "kong") -> str:
    return INGRESS.format(annotations=annotations, spec=f"  ingressClassName: {class_name}\n" if class_name else "")


def service(annotations: str = "    x: y", type_: str = "ClusterIP") -> str:
    return SERVICE.format(annotations=annotations, type=type_)


def found(report, code: str) -> list[tuple[int, int, str]]:
    return [(f.location.line, f.location.column, f.message) for f in report.findings if f.code == code]


def kong_ingress(name: str = "slow", body: str = "proxy:\n  read_timeout: 300000\n") -> str:
    return f"apiVersion: configuration.konghq.com/v1\nkind: KongIngress\nmetadata: {{name: {name}, namespace: shop}}\n{body}"


# -- TL302 kongingress-proxy-on-ingress -------------------------------------------------------------


def test_tl302_kongingress_named_on_the_ingress(tree):
    report = tree({"k.yaml": ingress("    konghq.com/override: slow") + "---\n" + kong_ingress() + "---" + service()}, select=("TL302",))
    ((line, column, message),) = found(report, "TL302")
    assert (line, column) == (7, 5)
    assert message.startswith(
        "KongIngress shop/slow, named by konghq.com/override on Ingress shop/reports, sets proxy read_timeout, which has no effect there"
    )
    assert "so it does not set Kong's timeouts for Service shop/export-api" in message
    (related,) = report.findings[0].related
    assert (related.location.line, related.message) == (18, "KongIngress shop/slow proxy settings")


def test_tl302_kongingress_found_by_the_ingress_name(tree):
    report = tree({"k.yaml": ingress() + "---\n" + kong_ingress("reports", "proxy:\n  retries: 1\n")}, select=("TL302",))
    ((line, column, message),) = found(report, "TL302")
    assert (line, column) == (2, 1)  # the Ingress itself: nothing names the KongIngress, its name does
    assert "found by the name of Ingress shop/reports, sets proxy retries" in message


def test_tl302_silent_when_the_services_name_the_kongingress_too(tree):
    files = {
        "k.yaml": ingress("    konghq.com/override: slow") + "---\n" + kong_ingress() + "---" + service("    konghq.com/override: slow")
    }
    assert found(tree(files, select=("TL302",)), "TL302") == []


def test_tl302_silent_for_route_only_kongingresses_and_other_controllers(tree):
    route_only = {"k.yaml": ingress("    konghq.com/override: slow") + "---\n" + kong_ingress(body="route:\n  strip_path: true\n")}
    assert found(tree(route_only, select=("TL302",)), "TL302") == []
    # a KongIngress of an nginx Ingress's name is nobody's business; konghq.com/override there is TL304's
    by_name = {"k.yaml": ingress(class_name="nginx") + "---\n" + kong_ingress("reports")}
    assert found(tree(by_name, select=("TL302",)), "TL302") == []
    named = {"k.yaml": ingress("    konghq.com/override: slow", class_name="nginx") + "---\n" + kong_ingress()}
    report = tree(named, select=("TL302", "TL304"))
    assert [f.code for f in report.findings] == ["TL304"]


def test_tl302_says_kic_3_ignores_proxy_everywhere(tree):
    files = {
        "k.yaml": ingress("    konghq.com/override: slow") + "---\n" + kong_ingress(),
        ".timeout-lint.yaml": 'kong-ingress-controller: "3.1"\n',
    }
    ((_, _, message),) = found(tree(files, select=("TL302",)), "TL302")
    assert "Kong Ingress Controller 3.1 ignores KongIngress proxy settings everywhere" in message


# -- TL303 annotation-on-wrong-object --------------------------------------------------------------


@pytest.mark.parametrize(
    "annotation, reader",
    [
        ('konghq.com/read-timeout: "300000"', "Kong Ingress Controller reads it only on a Service"),
        ('konghq.com/retries: "3"', "Kong Ingress Controller reads it only on a Service"),
        ('cloud.google.com/backend-config: \'{"default": "slow"}\'', "ingress-gce reads it only on a Service"),
        ("traefik.ingress.kubernetes.io/service.serverstransport: shop-slow@kubernetescrd", "Traefik reads it only on a Service"),
        (
            'service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "300"',
            "reads it only on a Service of type LoadBalancer",
        ),
    ],
)
def test_tl303_service_annotations_on_an_ingress(tree, annotation, reader):
    report = tree({"k.yaml": ingress(f"    {annotation}", class_name=None) + "---" + service()}, select=("TL303",))
    ((line, column, message),) = found(report, "TL303")
    assert (line, column) == (7, 5)
    assert reader in message
    if "LoadBalancer" in reader:  # not the backend: the Service that provisions the load balancer
        assert message.endswith("reads it only on a Service of type LoadBalancer") and not report.findings[0].related
    else:
        assert message.endswith("set it on Service shop/export-api")
        assert [r.message for r in report.findings[0].related] == ["Service shop/export-api would read it"]


@pytest.mark.parametrize(
    "annotation, reader",
    [
        ('nginx.ingress.kubernetes.io/proxy-read-timeout: "300"', "ingress-nginx"),
        ('nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "1"', "ingress-nginx"),
        ("alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=300", "the AWS Load Balancer Controller"),
        ('appgw.ingress.kubernetes.io/request-timeout: "300"', "the Application Gateway Ingress Controller"),
        ("traefik.ingress.kubernetes.io/router.entrypoints: websecure", "Traefik"),
    ],
)
def test_tl303_ingress_annotations_on_a_service(tree, annotation, reader):
    report = tree({"k.yaml": ingress(class_name="nginx") + "---" + service(f"    {annotation}")}, select=("TL303",))
    ((line, column, message),) = found(report, "TL303")
    assert (line, column) == (21, 5)
    assert message.endswith(f"has no effect: {reader} reads it only on an Ingress; set it on Ingress shop/reports")


def test_tl303_names_no_ingress_when_none_routes_to_the_service(tree):
    report = tree({"s.yaml": service('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"')}, select=("TL303",))
    ((_, _, message),) = found(report, "TL303")
    assert message.endswith("set it on the Ingress that routes to Service shop/export-api")


def test_tl303_elb_annotation_on_an_alb_ingress_points_at_the_alb_attribute(tree):
    annotation = '    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "300"'
    ((_, _, message),) = found(tree({"k.yaml": ingress(annotation, class_name="alb")}, select=("TL303",)), "TL303")
    assert message.endswith(
        "reads it only on a Service of type LoadBalancer; for an ALB, set idle_timeout.timeout_seconds in the annotation "
        "alb.ingress.kubernetes.io/load-balancer-attributes on the Ingress"
    )


def test_tl303_leaves_a_kong_annotation_on_another_class_to_tl304(tree):
    report = tree({"k.yaml": ingress('    konghq.com/read-timeout: "300000"', class_name="nginx")}, select=("TL303", "TL304"))
    assert [f.code for f in report.findings] == ["TL304"]


def test_tl303_worst_case_declared_on_an_ingress(tree):
    files = {"k.yaml": ingress('    timeout-lint/worst-case-response: "2m"') + "---" + service()}
    report = tree(files, select=("TL303", "TL102"))
    ((line, column, message),) = found(report, "TL303")
    assert (line, column) == (7, 5)
    assert message.startswith("timeout-lint/worst-case-response on Ingress shop/reports is not read")
    assert found(report, "TL102") == []  # the app has no worst case: nothing else to report


def test_tl303_silent_where_the_annotations_belong(tree):
    files = {
        "k.yaml": ingress('    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"', class_name="nginx")
        + "---"
        + service('    konghq.com/read-timeout: "300000"\n    timeout-lint/worst-case-response: "2m"')
    }
    assert found(tree(files, select=("TL303",)), "TL303") == []


# -- TL304 annotation-for-other-class --------------------------------------------------------------


def test_tl304_one_finding_per_controller_at_its_first_annotation(tree):
    annotations = (
        '    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"\n'
        "    nginx.ingress.kubernetes.io/rewrite-target: /\n"
        "    alb.ingress.kubernetes.io/scheme: internal\n"
    )
    report = tree({"k.yaml": ingress(annotations)}, select=("TL304",))
    (nginx, alb) = report.findings
    assert (nginx.location.line, alb.location.line) == (7, 9)
    assert nginx.message.startswith("2 annotations on Ingress shop/reports (nginx.ingress.kubernetes.io/proxy-read-timeout, ")
    assert nginx.message.endswith("use the Service annotation konghq.com/read-timeout (milliseconds)")
    assert alb.message == (
        "alb.ingress.kubernetes.io/scheme on Ingress shop/reports has no effect: Kong Ingress Controller serves it "
        "(ingressClassName: kong), and the AWS Load Balancer Controller reads alb.ingress.kubernetes.io/* only on the "
        "Ingresses it serves"
    )
    assert [(r.location.line, r.message) for r in nginx.related] == [
        (8, "nginx.ingress.kubernetes.io/rewrite-target has no effect either"),
        (12, "the class of Ingress shop/reports"),
    ]


def test_tl304_follows_the_ingress_class_object_and_the_annotation(tree):
    ingress_class = (
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: public}\nspec: {controller: k8s.io/ingress-nginx}\n"
    )
    report = tree(
        {"k.yaml": ingress("    konghq.com/strip-path: 'true'", class_name="public") + "---\n" + ingress_class}, select=("TL304",)
    )
    (finding,) = report.findings
    assert "ingress-nginx serves it (ingressClassName: public)" in finding.message
    assert "IngressClass public: controller k8s.io/ingress-nginx" in [r.message for r in finding.related]
    by_annotation = ingress("    kubernetes.io/ingress.class: traefik\n    konghq.com/strip-path: 'true'", class_name=None)
    (finding,) = tree({"k.yaml": by_annotation}, select=("TL304",)).findings
    assert "Traefik serves it (kubernetes.io/ingress.class: traefik)" in finding.message


@pytest.mark.parametrize("class_name", [None, "haproxy", "kong"])
def test_tl304_silent_without_a_class_with_an_unknown_one_or_with_its_own(tree, class_name):
    # class-less Ingresses may be read by Traefik (no ingressClass option) whatever else serves them
    report = tree({"k.yaml": ingress("    konghq.com/strip-path: 'true'\n    traefik.ingress.kubernetes.io/service.x: y", class_name)})
    assert found(report, "TL304") == []


# -- TL305 unknown-annotation ----------------------------------------------------------------------


def test_tl305_kong_names_are_checked_against_the_whole_list(tree):
    annotations = "    konghq.com/strip-paths: 'true'\n    konghq.com/send-timeout: '5000'\n    konghq.com/headers.x-team: a,b"
    report = tree({"k.yaml": ingress() + "---" + service(annotations)}, select=("TL305",))
    assert [(line, message) for line, _, message in found(report, "TL305")] == [
        (
            21,
            "konghq.com/strip-paths on Service shop/export-api is not an annotation Kong Ingress Controller reads: it has no effect; "
            "did you mean konghq.com/strip-path?",
        ),
        (
            22,
            "konghq.com/send-timeout on Service shop/export-api is not an annotation Kong Ingress Controller reads: it has no "
            "effect; write konghq.com/write-timeout (Kong's send timeout is write_timeout)",
        ),
    ]


def test_tl305_incomplete_lists_flag_only_what_looks_like_a_timeout(tree):
    annotations = (
        "    nginx.ingress.kubernetes.io/some-future-feature: 'on'\n"  # unknown, but not a timeout: never flagged
        "    nginx.ingress.kubernetes.io/proxy-read-timout: '300'\n"
        "    nginx.ingress.kubernetes.io/client-body-timeout: '300'\n"
        "    alb.ingress.kubernetes.io/connection-idle-timeout: '600'\n"
        "    traefik.ingress.kubernetes.io/router.timeout: 5m\n"
    )
    report = tree({"k.yaml": ingress(annotations, class_name=None)}, select=("TL305",))
    messages = [message for _, _, message in found(report, "TL305")]
    assert [m.split(" on ")[0] for m in messages] == [
        "nginx.ingress.kubernetes.io/proxy-read-timout",
        "nginx.ingress.kubernetes.io/client-body-timeout",
        "alb.ingress.kubernetes.io/connection-idle-timeout",
        "traefik.ingress.kubernetes.io/router.timeout",
    ]
    assert messages[0].endswith("did you mean nginx.ingress.kubernetes.io/proxy-read-timeout?")
    assert messages[1].endswith("write client-body-timeout in the controller's ConfigMap: ingress-nginx reads it only there")
    assert messages[2].endswith("write idle_timeout.timeout_seconds=N in alb.ingress.kubernetes.io/load-balancer-attributes")
    assert "forwardingTimeouts on a ServersTransport" in messages[3]


def test_tl305_timeout_lint_keys_everywhere_they_can_be_written(tree):
    compose = "services:\n  api:\n    image: api\n    labels:\n      timeout-lint/worst-case: 2m\n"
    workload = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
        "spec:\n  template:\n    metadata:\n      annotations:\n        timeout-lint/first_byte: 10s\n"
    )
    report = tree({"compose.yaml": compose, "k8s.yaml": workload}, select=("TL305",))
    assert [(f.location.file, f.location.line, f.message.split(";")[1]) for f in report.findings] == [
        ("compose.yaml", 5, " did you mean timeout-lint/worst-case-response?"),
        ("k8s.yaml", 8, " did you mean timeout-lint/first-byte?"),
    ]


def test_tl305_the_old_ingress_nginx_prefix(tree):
    annotations = "    ingress.kubernetes.io/rewrite-target: /\n    ingress.kubernetes.io/force-ssl-redirect: 'true'\n"
    report = tree({"k.yaml": ingress(annotations, class_name="nginx")}, select=("TL305",))
    assert [message for _, _, message in found(report, "TL305")][0] == (
        "ingress.kubernetes.io/rewrite-target on Ingress shop/reports has no effect: ingress-nginx reads "
        "nginx.ingress.kubernetes.io/rewrite-target (it dropped the ingress.kubernetes.io/ prefix in 0.9.0, unless started "
        "with --annotations-prefix=ingress.kubernetes.io)"
    )
    # Kong reads ingress.kubernetes.io/force-ssl-redirect itself
    assert found(tree({"k.yaml": ingress(annotations)}, select=("TL305",)), "TL305") == []


def test_tl305_the_old_prefix_is_fine_for_a_controller_started_with_it(tree):
    controller = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.9.4
          args: [/nginx-ingress-controller, --annotations-prefix=ingress.kubernetes.io]
"""
    files = {"k.yaml": ingress("    ingress.kubernetes.io/rewrite-target: /", class_name="nginx"), "c.yaml": controller}
    assert found(tree(files, select=("TL305",)), "TL305") == []


def test_tl305_leaves_annotations_of_another_class_to_tl304(tree):
    report = tree({"k.yaml": ingress("    nginx.ingress.kubernetes.io/proxy-timeout: '300'")}, select=("TL304", "TL305"))
    assert [f.code for f in report.findings] == ["TL304"]


def test_rules_get_the_linkers_answers_and_a_fresh_linker_without_one(tree):
    from tests.parsers.test_kong import inventory_of
    from timeout_lint.link import link_all
    from timeout_lint.rules import tl304_annotation_for_other_class
    from timeout_lint.rules.base import Context, Model

    inventory = inventory_of(tree, {"k.yaml": ingress("    nginx.ingress.kubernetes.io/proxy-read-timeout: '300'")})
    linker = link_all(inventory)
    with_linker = Model(paths=(), inventory=inventory, problems=(), linker=linker)
    assert with_linker.linked() is linker
    without = Model(paths=(), inventory=inventory, problems=())
    hits = list(tl304_annotation_for_other_class.check(without, Context(without)))
    assert [hit.location.line for hit in hits] == [7] and without.linked() is without.linked()
