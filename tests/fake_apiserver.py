"""A Kubernetes API server for tests: list endpoints only, answering as kube-apiserver does.

It serves objects given as manifests, in the shapes the real server uses (recorded from its list
responses): a ``<Kind>List`` with ``metadata.resourceVersion`` and, when paging, ``continue`` and
``remainingItemCount``; items of built-in kinds without ``kind``/``apiVersion``, items of custom
resources with them; every object with uid, resourceVersion, creationTimestamp, managedFields and
status. Errors are ``Status`` objects (403 Forbidden with the RBAC message, 401 Unauthorized, 404
NotFound), except a group/version that is not served at all, which gets kube-apiserver's plain-text
``404 page not found``. RBAC is a ClusterRole's rules (list verbs), bound cluster-wide.
"""

from __future__ import annotations

import base64
import copy
import http.server
import json
import re
import threading
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit


class Served(NamedTuple):
    group: str
    version: str
    plural: str
    namespaced: bool
    custom: bool  # a CRD: list items carry kind and apiVersion


#: What a cluster with Kong's CRDs installed serves, by kind (the plurals are the API's, not derived).
REAL_RESOURCES = {
    "Service": Served("", "v1", "services", True, False),
    "ConfigMap": Served("", "v1", "configmaps", True, False),
    "Secret": Served("", "v1", "secrets", True, False),
    "Deployment": Served("apps", "v1", "deployments", True, False),
    "StatefulSet": Served("apps", "v1", "statefulsets", True, False),
    "DaemonSet": Served("apps", "v1", "daemonsets", True, False),
    "Ingress": Served("networking.k8s.io", "v1", "ingresses", True, False),
    "IngressClass": Served("networking.k8s.io", "v1", "ingressclasses", False, False),
    "KongIngress": Served("configuration.konghq.com", "v1", "kongingresses", True, True),
}
USER = "system:serviceaccount:ci:timeout-lint"
TOKEN = "kubeconfig-test-token"
_PATH = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[a-z0-9]+)$")


def stored(manifest: dict, index: int = 0) -> dict:
    """A manifest as the API server returns it: with the fields it adds."""
    obj = copy.deepcopy(manifest)
    meta = obj.setdefault("metadata", {})
    if meta.get("annotations") is None:
        meta.pop("annotations", None)
    meta.setdefault("uid", f"5f0c8a3e-1d2b-4c6e-9a7f-{index:012d}")
    meta.setdefault("resourceVersion", str(48000 + index))
    meta.setdefault("creationTimestamp", "2024-05-14T09:21:07Z")
    meta.setdefault("generation", 1)
    applied = json.dumps({k: v for k, v in manifest.items() if k != "status"}, separators=(",", ":"))
    meta.setdefault("annotations", {})[("kubectl.kubernetes.io/last-applied-configuration")] = applied + "\n"
    meta["managedFields"] = [
        {
            "manager": "kubectl-client-side-apply",
            "operation": "Update",
            "apiVersion": obj.get("apiVersion", "v1"),
            "time": "2024-05-14T09:21:07Z",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:annotations": {".": {}}}, "f:spec": {}},
        }
    ]
    kind = obj.get("kind")
    if kind == "Service":
        obj.setdefault("spec", {}).setdefault("clusterIP", f"10.96.{index // 250}.{index % 250 + 2}")
        obj["status"] = {"loadBalancer": {}}
    elif kind in ("Deployment", "StatefulSet", "DaemonSet"):
        obj["status"] = {"observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "availableReplicas": 2}
    elif kind == "Ingress":
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}
    return obj


class FakeApiServer:
    """``with FakeApiServer(objects) as api:`` serves on 127.0.0.1; ``api.url``, ``api.requests``."""

    def __init__(
        self,
        manifests: list[dict] = (),
        *,
        resources: dict[str, Served] | None = None,
        cluster_role: dict | None = None,  # None: everything may be listed
        page_size: int | None = None,  # the server's own cap per page (it also honours ?limit=)
        token: str = TOKEN,
    ):
        self.resources = dict(serving_everything_read() if resources is None else resources)
        self.objects = [stored(m, i) for i, m in enumerate(manifests)]
        self.cluster_role = cluster_role
        self.page_size = page_size
        self.token = token
        self.requests: list[str] = []  # path?query of every request, in order
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def kubeconfig(self, path: Path, context: str = "kind-shop", namespace: str | None = "shop") -> Path:
        """A kubeconfig whose current context points at this server with a bearer token."""
        ctx = {"cluster": "fake", "user": "timeout-lint"}
        if namespace:
            ctx["namespace"] = namespace
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "timeout-lint", "user": {"token": self.token}}],
            "contexts": [{"name": context, "context": ctx}],
            "current-context": context,
        }
        path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
        return path

    # -- answers ---------------------------------------------------------------------------------
    def _allowed(self, group: str, plural: str) -> bool:
        if self.cluster_role is None:
            return True
        for rule in self.cluster_role.get("rules", ()):
            if (
                (group in rule.get("apiGroups", ()) or "*" in rule.get("apiGroups", ()))
                and (plural in rule.get("resources", ()) or "*" in rule.get("resources", ()))
                and ({"list", "*"} & set(rule.get("verbs", ())))
            ):
                return True
        return False

    @staticmethod
    def _status(code: int, reason: str, message: str, details: dict | None = None) -> tuple[int, str, bytes]:
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason}
        body["details"] = details or {}
        body["code"] = code
        return code, "application/json", json.dumps(body).encode()

    def answer(self, target: str, authorization: str | None) -> tuple[int, str, bytes]:
        self.requests.append(target)
        url = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if authorization != f"Bearer {self.token}":
            return self._status(401, "Unauthorized", "Unauthorized")
        match = _PATH.match(url.path)
        if match is None:
            return 404, "text/plain; charset=utf-8", b"404 page not found\n"
        group, version = ("", "v1") if match["core"] else (match["group"], match["version"])
        namespace, plural = match["ns"], match["plural"]
        if not any((s.group, s.version) == (group, version) for s in self.resources.values()):
            return 404, "text/plain; charset=utf-8", b"404 page not found\n"  # the group/version is not served
        found = [(kind, s) for kind, s in self.resources.items() if (s.group, s.version, s.plural) == (group, version, plural)]
        if not found:
            return self._status(404, "NotFound", "the server could not find the requested resource")
        key, served = found[0]
        kind = key.rpartition("/")[2]  # served keys are kinds, or "group/kind" where two groups share a kind
        if not self._allowed(group, plural):
            where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            name = f"{plural}.{group}" if group else plural
            message = f'{name} is forbidden: User "{USER}" cannot list resource "{plural}" in API group "{group}" {where}'
            return self._status(403, "Forbidden", message, {"group": group, "kind": plural} if group else {"kind": plural})
        items = [
            o
            for o in self.objects
            if o.get("kind") == kind
            and _group(o.get("apiVersion", "v1")) == group
            and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]
        for term in filter(None, query.get("labelSelector", "").split(",")):
            key, _, value = term.partition("=")
            items = [o for o in items if (o["metadata"].get("labels") or {}).get(key) == value]
        items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        start = json.loads(base64.b64decode(query["continue"]))["start"] if query.get("continue") else 0
        limits = [n for n in (int(query["limit"]) if "limit" in query else None, self.page_size) if n]
        end = start + min(limits) if limits else len(items)
        page = items[start:end]
        metadata = {"resourceVersion": "48213"}
        if end < len(items):
            metadata["continue"] = base64.b64encode(json.dumps({"v": "meta.k8s.io/v1", "rv": 48213, "start": end}).encode()).decode()
            metadata["remainingItemCount"] = len(items) - end
        if not served.custom:  # built-in kinds: items without kind and apiVersion
            page = [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in page]
        api_version = f"{group}/{version}" if group else version
        body = {"kind": f"{kind}List", "apiVersion": api_version, "metadata": metadata, "items": page}
        return 200, "application/json", json.dumps(body).encode()

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                code, content_type, body = server.answer(self.path, self.headers.get("Authorization"))
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        return Handler


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def serving_everything_read() -> dict[str, Served]:
    """REAL_RESOURCES plus every kind timeout-lint reads (other systems' CRDs, installed), keyed
    "group/kind" so that Istio's Gateway and the Gateway API's are two resources."""
    from timeout_lint.cluster import CLUSTER_RESOURCES

    served = dict(REAL_RESOURCES)
    known = {(s.group, kind) for kind, s in served.items()}
    for row in CLUSTER_RESOURCES:
        if (row.group, row.kind) not in known:
            custom = row.group not in ("", "apps", "networking.k8s.io")
            served[f"{row.group}/{row.kind}"] = Served(row.group, row.versions[0], row.plural, row.namespaced, custom)
    return served


def lint_cluster_example(root: Path, files: dict[str, str], select: tuple[str, ...] = ()):
    """A rule doc's cluster example: its ClusterRole bounds what the user may list, its
    CustomResourceDefinitions (if any) are the only custom resources the cluster serves (else every
    kind timeout-lint reads is served), its other manifests are the cluster's objects; the files are
    linted with --cluster (context kind-shop)."""
    import tempfile

    import yaml

    from tests.conftest import write_tree
    from timeout_lint.cluster import ClusterOptions
    from timeout_lint.engine import Selection
    from timeout_lint.lint import LintOptions, lint

    write_tree(root, files)
    documents = [d for text in files.values() for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    roles = [d for d in documents if d.get("kind") == "ClusterRole"]
    crds = [d for d in documents if d.get("kind") == "CustomResourceDefinition"]
    objects = [d for d in documents if d.get("kind") not in ("ClusterRole", "CustomResourceDefinition")]
    resources = serving_everything_read()
    if crds:
        resources = {key: s for key, s in resources.items() if not s.custom}
        for crd in crds:
            spec = crd["spec"]
            served = Served(spec["group"], spec["versions"][0]["name"], spec["names"]["plural"], spec.get("scope") == "Namespaced", True)
            resources[f"{spec['group']}/{spec['names']['kind']}"] = served
    with FakeApiServer(objects, resources=resources, cluster_role=roles[0] if roles else None) as api:
        kubeconfig = api.kubeconfig(Path(tempfile.mkdtemp()) / "kubeconfig")
        options = ClusterOptions(kubeconfig=str(kubeconfig))
        return lint(LintOptions(paths=(".",), cwd=str(root), selection=Selection(select=select), cluster=options))
