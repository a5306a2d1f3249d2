"""Load balancers in front of ingress controllers: a Service that selects a controller's pods leads into its Ingresses."""

from __future__ import annotations

import pytest

from timeout_lint.link.kubernetes import image_repository, workload_controller
from timeout_lint.model import Location
from timeout_lint.parsers.kubernetes import Container, Meta, Workload

APP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, annotations: {timeout-lint/worst-case-response: "2m"}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""
NGINX_INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {namespace}
  annotations: {{nginx.ingress.kubernetes.io/proxy-read-timeout: "300"}}
spec:
  ingressClassName: {cls}
  defaultBackend: {{service: {{name: api, port: {{number: 80}}}}}}
"""
CONTROLLER = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: controller, namespace: ingress-nginx}}
spec:
  selector: {{matchLabels: {labels}}}
  template:
    metadata: {{labels: {labels}}}
    spec:
      containers:
        - name: controller
          image: {image}
          args: [/nginx-ingress-controller{args}]
---
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
{annotations}spec:
  type: {type}
  selector: {labels}
  ports: [{{name: http, port: 80}}, {{name: https, port: 443}}]
"""
ALB = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: public, namespace: ingress-nginx}
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: ingress-nginx-controller, port: {name: http}}}
"""
NLB = (
    "  annotations:\n"
    "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
    "    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80: tcp.idle_timeout.seconds=600\n"
)


def nginx_ingress(name: str = "reports", namespace: str = "shop", cls: str = "nginx") -> str:
    return NGINX_INGRESS.format(name=name, namespace=namespace, cls=cls)


def controller(
    image: str = "registry.k8s.io/ingress-nginx/controller:v1.11.2",
    labels: str = "{app: nginx}",
    args: str = "",
    type_: str = "ClusterIP",
    annotations: str = "",
) -> str:
    return CONTROLLER.format(image=image, labels=labels, args=args, type=type_, annotations=annotations)


def systems(path) -> list[str]:
    return [hop.system for hop in path.hops]


def test_alb_in_front_of_ingress_nginx_continues_into_its_ingresses(tree):
    report = tree({"app.yaml": APP, "controller.yaml": controller(), "alb.yaml": ALB, "reports.yaml": nginx_ingress()})
    (path,) = report.paths  # the nginx Ingress is no entry of its own: the ALB forwards to it
    assert path.entry == "Ingress ingress-nginx/public"
    assert systems(path) == ["AWS ALB", "ingress-nginx"]
    assert path.hops[1].name == "location for Ingress shop/reports"
    assert (path.app.name, path.app.worst_case.total) == ("shop/api", 120)
    assert [(f.code, f.location.file) for f in report.findings] == [("TL102", "alb.yaml")]  # ALB 60 s < 2m < nginx 300 s


def test_nlb_service_of_the_controller_is_an_entry_per_listener(tree):
    report = tree(
        {
            "app.yaml": APP,
            "controller.yaml": controller(type_="LoadBalancer", annotations=NLB),
            "a.yaml": nginx_ingress("a"),
            "b.yaml": nginx_ingress("b"),
        }
    )
    assert len(report.paths) == 4  # 2 listeners x 2 Ingresses
    entries = sorted({p.entry for p in report.paths})
    assert entries == [
        "load balancer of Service ingress-nginx/ingress-nginx-controller port 443",
        "load balancer of Service ingress-nginx/ingress-nginx-controller port 80",
    ]
    assert {tuple(systems(p)) for p in report.paths} == {("AWS NLB", "ingress-nginx")}
    assert sorted(p.hops[1].name for p in report.paths) == ["location for Ingress shop/a"] * 2 + ["location for Ingress shop/b"] * 2
    # port 443 keeps the NLB default of 350 s, port 80 has 600 s: nothing is shorter than 2m
    assert report.findings == ()


def test_controller_recognised_by_its_labels_when_the_image_is_mirrored(tree):
    labels = "{app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}"
    report = tree(
        {
            "app.yaml": APP,
            "controller.yaml": controller(image="mirror.example.com/edge/nginx:1", labels=labels),
            "alb.yaml": ALB,
            "r.yaml": nginx_ingress(),
        }
    )
    assert [systems(p) for p in report.paths] == [["AWS ALB", "ingress-nginx"]]


def test_controller_flags_narrow_what_it_serves(tree):
    report = tree(
        {
            "app.yaml": APP + "---\n" + APP.replace("namespace: shop", "namespace: other"),
            "controller.yaml": controller(args=", --ingress-class=internal, --watch-namespace=shop"),
            "alb.yaml": ALB,
            "served.yaml": nginx_ingress("served", cls="internal"),
            "other-class.yaml": nginx_ingress("other-class"),
            "other-namespace.yaml": nginx_ingress("other-namespace", namespace="other", cls="internal"),
        }
    )
    through_alb = sorted(p.hops[1].name for p in report.paths if p.entry == "Ingress ingress-nginx/public")
    assert through_alb == ["location for Ingress shop/served"]
    # the Ingresses the controller does not take start paths of their own
    assert sorted(p.entry for p in report.paths if p.entry != "Ingress ingress-nginx/public") == [
        "Ingress other/other-namespace",
        "Ingress shop/other-class",
    ]


def test_a_controller_serving_nothing_in_the_tree_ends_at_its_service(tree):
    report = tree({"app.yaml": APP, "controller.yaml": controller(), "alb.yaml": ALB})
    (path,) = report.paths
    assert systems(path) == ["AWS ALB"] and path.app.name == "ingress-nginx/ingress-nginx-controller"


def test_a_plain_service_behind_an_alb_is_the_app(tree):
    alb = ALB.replace("ingress-nginx-controller, port: {name: http}", "api, port: {number: 80}").replace(
        "namespace: ingress-nginx", "namespace: shop"
    )
    (path,) = tree({"app.yaml": APP, "alb.yaml": alb}).paths
    assert systems(path) == ["AWS ALB"] and path.app.name == "shop/api"


def test_kong_proxy_behind_an_nlb(tree):
    kong = """apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy-kong, namespace: kong}
spec:
  selector: {matchLabels: {app: proxy-kong}}
  template:
    metadata: {labels: {app: proxy-kong}}
    spec: {containers: [{name: proxy, image: "kong:3.6"}]}
---
apiVersion: v1
kind: Service
metadata:
  name: kong-proxy
  namespace: kong
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb}
spec:
  type: LoadBalancer
  selector: {app: proxy-kong}
  ports: [{name: proxy, port: 80}]
"""
    report = tree({"app.yaml": APP, "kong.yaml": kong, "ingress.yaml": nginx_ingress(cls="kong")})
    (path,) = report.paths
    assert path.entry == "load balancer of Service kong/kong-proxy port 80"
    assert systems(path) == ["AWS NLB", "Kong"]


def test_a_loop_through_a_controller_service_ends_where_it_would_repeat(tree):
    # an Ingress of class nginx whose backend is the controller's own Service
    loop = nginx_ingress("loop", namespace="ingress-nginx").replace(
        "name: api, port: {number: 80}", "name: ingress-nginx-controller, port: {number: 80}"
    )
    report = tree({"app.yaml": APP, "controller.yaml": controller(), "alb.yaml": ALB, "reports.yaml": nginx_ingress(), "loop.yaml": loop})
    assert report.paths  # no endless recursion, and the real path is found
    assert any(p.app.name == "shop/api" for p in report.paths)


@pytest.mark.parametrize(
    "image, repository",
    [
        ("registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:abc", "ingress-nginx/controller"),
        ("kong:3.6", "kong"),
        ("docker.io/library/traefik:v3.1", "traefik"),
        ("localhost:5000/kong/kong-gateway", "kong/kong-gateway"),
        ("quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.26.1", "kubernetes-ingress-controller/nginx-ingress-controller"),
    ],
)
def test_image_repository(image, repository):
    assert image_repository(image) == repository


@pytest.mark.parametrize(
    "image, system",
    [
        ("registry.k8s.io/ingress-nginx/controller:v1.11.2", "ingress-nginx"),
        ("us.gcr.io/k8s-artifacts-prod/ingress-nginx/controller:v1.9.0", "ingress-nginx"),
        ("kong/kong-gateway:3.6", "kong"),
        ("traefik:v3.1", "traefik"),
        ("nginx/nginx-ingress:3.4.0", None),  # F5 NGINX Ingress Controller: another product
        ("nginx:1.27", None),
    ],
)
def test_controller_workload_signatures(image, system):
    where = Location("x.yaml", 1, 1)
    meta = Meta("apps/v1", "Deployment", "d", "default", where, {}, {})
    workload = Workload(meta, {}, {}, {}, (Container("c", image, (), (), where),), None)
    assert workload_controller(workload) == system


ODD_SHAPES = """
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
data: [a, b]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: nginx-configuration, namespace: ingress-nginx}
data:
  proxy-read-timeout: {x: 1}
  proxy-next-upstream: [1]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c, namespace: ingress-nginx}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
    spec:
      containers:
        - name: x
          args: "--configmap"
        - "not a map"
        - name: y
          image: 12
          command: [--configmap]
---
apiVersion: v1
kind: Service
metadata:
  name: s
  namespace: shop
  annotations:
    cloud.google.com/backend-config: {default: x}
    service.beta.kubernetes.io/aws-load-balancer-type: [nlb]
    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: x
    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: ",,443,http"
    service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80:
spec:
  type: LoadBalancer
  loadBalancerClass: null
  selector: {app.kubernetes.io/name: ingress-nginx}
  ports: [{port: 80, protocol: null}, "x", {port: "http"}]
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {name: x, namespace: shop}
spec: [1]
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {name: y, namespace: shop}
spec: {timeoutSec: [1]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: gce
    nginx.ingress.kubernetes.io/proxy-read-timeout: {a: b}
    alb.ingress.kubernetes.io/group.name: [g]
    alb.ingress.kubernetes.io/load-balancer-attributes: null
    appgw.ingress.kubernetes.io/request-timeout: 99999999999999999999
spec:
  defaultBackend: {service: {name: s, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: j
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "99999999999999999999999"
    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "99999999999999999999999"
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: s, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: k
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: azure/application-gateway
    appgw.ingress.kubernetes.io/request-timeout: "99999999999999999999"
    alb.ingress.kubernetes.io/load-balancer-attributes: "idle_timeout.timeout_seconds=99999999999999999999999999"
spec:
  defaultBackend: {service: {name: s, port: {number: 80}}}
"""


def test_odd_shapes_of_the_objects_these_systems_read_give_no_traceback(tree):
    report = tree(
        {
            "odd.yaml": ODD_SHAPES.lstrip("\n"),
            ".timeout-lint.yaml": 'edge:\n  - system: cloudflare\n    name: ""\n  - {}\n  - null\n  - name: a\n    total: 1h\n    first-byte: 2h\n',
        }
    )
    assert {hop.system for path in report.paths for hop in path.hops} >= {"GKE Ingress", "ingress-nginx", "Azure Application Gateway"}
    # bad declarations are TL004, values of the wrong type in the objects TL008, values the controllers drop TL306 and
    # annotations of one controller on another's Ingress TL304; nothing else, and no traceback
    assert {f.code for f in report.findings} <= {"TL004", "TL008", "TL304", "TL306"}
