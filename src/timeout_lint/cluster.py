"""Objects read from a live cluster (--cluster), handed to the parse stage as in-memory inputs.

Each kind in CLUSTER_RESOURCES is listed through the ``kubernetes`` client with the user's
kubeconfig, stripped of what the API server adds (status, managedFields, the last-applied
annotation), serialised as JSON (which is YAML) and named by its URI,
``cluster://<context>/<namespace>/<Kind>/<name>``. From there it is a manifest like any other; its
locations are field paths (sources.SourceFile.fields_only), shown as the URI's fragment.

This module is imported only with --cluster, and the client only inside read_cluster: nothing else
in timeout-lint touches the network.

A list the user may not read (403) or that fails is a warning (TL011 cluster-read-problem); kinds
the cluster does not serve (CRDs of systems it does not run) are one note (TL012
cluster-kind-not-served); the run goes on. A cluster that cannot be used at all (no kubeconfig,
unreachable, credentials refused) is a ClusterError, a usage error.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, NamedTuple
from urllib.parse import quote

from timeout_lint.discover import InMemoryInput
from timeout_lint.model import CLUSTER_SCHEME, Location, Problem

PAGE_SIZE = 500  # objects per list request; big clusters are read in pages (metadata.continue)
REQUEST_TIMEOUT = (10, 60)  # seconds: connect, read
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"  # a JSON copy of the object: noise here
RULE = "cluster-read-problem"
NOT_SERVED_RULE = "cluster-kind-not-served"


class ClusterResource(NamedTuple):
    """One kind --cluster reads, and where the API serves it."""

    kind: str
    group: str  # "" for the core API (/api/v1)
    versions: tuple[str, ...]  # preferred first; the first one the cluster serves is read
    plural: str
    namespaced: bool = True
    label_selector: str | None = None  # read only these objects of the kind

    @property
    def qualified(self) -> str:
        """As RBAC and error messages name it: ``kongingresses.configuration.konghq.com``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


#: What --cluster reads. A system whose parser reads a custom resource (parsers/kubernetes.CUSTOM_RESOURCES)
#: adds its row here, and its RBAC to README's ClusterRole (tests check both).
CLUSTER_RESOURCES: tuple[ClusterResource, ...] = (
    ClusterResource("Ingress", "networking.k8s.io", ("v1",), "ingresses"),
    ClusterResource("IngressClass", "networking.k8s.io", ("v1",), "ingressclasses", namespaced=False),
    ClusterResource("Service", "", ("v1",), "services"),
    ClusterResource("Deployment", "apps", ("v1",), "deployments"),
    ClusterResource("StatefulSet", "apps", ("v1",), "statefulsets"),
    ClusterResource("DaemonSet", "apps", ("v1",), "daemonsets"),
    # only the ingress controllers' own ConfigMaps (ingress-nginx's chart and deploy manifests label
    # theirs so), never every ConfigMap in the cluster
    ClusterResource("ConfigMap", "", ("v1",), "configmaps", label_selector="app.kubernetes.io/component=controller"),
    ClusterResource("KongIngress", "configuration.konghq.com", ("v1",), "kongingresses"),
    ClusterResource("KongUpstreamPolicy", "configuration.konghq.com", ("v1beta1",), "kongupstreampolicies"),
    ClusterResource("GatewayClass", "gateway.networking.k8s.io", ("v1", "v1beta1"), "gatewayclasses", namespaced=False),
    ClusterResource("Gateway", "gateway.networking.k8s.io", ("v1", "v1beta1"), "gateways"),
    ClusterResource("HTTPRoute", "gateway.networking.k8s.io", ("v1", "v1beta1"), "httproutes"),
    ClusterResource("VirtualService", "networking.istio.io", ("v1", "v1beta1", "v1alpha3"), "virtualservices"),
    ClusterResource("DestinationRule", "networking.istio.io", ("v1", "v1beta1", "v1alpha3"), "destinationrules"),
    ClusterResource("Gateway", "networking.istio.io", ("v1", "v1beta1", "v1alpha3"), "gateways"),
    ClusterResource("IngressRoute", "traefik.io", ("v1alpha1",), "ingressroutes"),
    ClusterResource("ServersTransport", "traefik.io", ("v1alpha1",), "serverstransports"),
    ClusterResource("IngressRoute", "traefik.containo.us", ("v1alpha1",), "ingressroutes"),
    ClusterResource("ServersTransport", "traefik.containo.us", ("v1alpha1",), "serverstransports"),
    ClusterResource("BackendConfig", "cloud.google.com", ("v1", "v1beta1"), "backendconfigs"),
)


class ClusterOptions(NamedTuple):
    context: str | None = None  # None: the kubeconfig's current context
    namespaces: tuple[str, ...] = ()  # empty: the context's namespace (else "default")
    all_namespaces: bool = False
    kubeconfig: str | None = None  # None: $KUBECONFIG, else ~/.kube/config


class ClusterRead(NamedTuple):
    context: str
    inputs: tuple[InMemoryInput, ...]
    problems: tuple[Problem, ...]


class ClusterError(Exception):
    """The cluster cannot be used at all: no kubeconfig, unknown context, unreachable, credentials refused."""


class _Session(NamedTuple):
    context: str
    namespace: str  # the context's
    host: str
    core: Any  # kubernetes.client.CoreV1Api
    custom: Any  # kubernetes.client.CustomObjectsApi


def object_uri(context: str, kind: str | None = None, name: str | None = None, namespace: str | None = None) -> str:
    """``cluster://prod/shop/Service/api``. A cluster-scoped object has no namespace part; without a name
    it names a list (``cluster://prod/*/KongIngress``: every namespace), without a kind the cluster."""
    parts = [quote(context, safe=":@")]  # a context may hold "/" (EKS: arn:aws:eks:...:cluster/prod)
    if namespace:
        parts.append(quote(namespace, safe="*"))
    if kind:
        parts.append(kind)
    if name is not None:
        parts.append(quote(name, safe=""))
    return CLUSTER_SCHEME + "/".join(parts)


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


def _kubeconfig_path(options: ClusterOptions) -> str:
    given = options.kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
    existing = [os.path.expanduser(p) for p in given.split(os.pathsep) if p and os.path.isfile(os.path.expanduser(p))]
    if not existing:
        raise ClusterError(f"--cluster: no kubeconfig at {given} (set KUBECONFIG or pass --kubeconfig)")
    return os.pathsep.join(existing)


def _connect(options: ClusterOptions) -> _Session:
    try:
        from kubernetes import client, config
    except ImportError:
        raise ClusterError("--cluster needs the Kubernetes client: pip install 'timeout-lint[cluster]'") from None
    path = _kubeconfig_path(options)
    try:
        contexts, active = config.list_kube_config_contexts(path)
    except Exception as exc:  # the client raises ConfigException, YAML and OS errors for a bad file
        raise ClusterError(f"--cluster: cannot read kubeconfig {path}: {_one_line(exc)}") from None
    by_name = {c.get("name"): c for c in contexts or () if isinstance(c, dict)}
    name = options.context or (active or {}).get("name")
    if name not in by_name:
        known = ", ".join(sorted(str(n) for n in by_name)) or "none"
        what = f"no context {name}" if name else "no current context (pass --context)"
        raise ClusterError(f"--cluster: kubeconfig {path} has {what}; its contexts: {known}")
    configuration = client.Configuration()
    try:
        config.load_kube_config(config_file=path, context=name, client_configuration=configuration, persist_config=False)
    except Exception as exc:  # a missing certificate file, a failing exec credential plugin, ...
        raise ClusterError(f"--cluster: cannot use context {name} of {path}: {_one_line(exc)}") from None
    api_client = client.ApiClient(configuration)
    namespace = (by_name[name].get("context") or {}).get("namespace") or "default"
    return _Session(name, namespace, configuration.host, client.CoreV1Api(api_client), client.CustomObjectsApi(api_client))


def _snake(kind: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()  # ConfigMap -> config_map, as the client names its methods


def _list_page(session: _Session, resource: ClusterResource, version: str, namespace: str | None, token: str | None) -> dict:
    kwargs: dict[str, Any] = {"limit": PAGE_SIZE, "_preload_content": False, "_request_timeout": REQUEST_TIMEOUT}
    if token:
        kwargs["_continue"] = token
    if resource.label_selector:
        kwargs["label_selector"] = resource.label_selector
    if resource.group:  # any group/version/plural, built-in or custom: /apis/<group>/<version>/...
        if namespace is None:
            response = session.custom.list_cluster_custom_object(resource.group, version, resource.plural, **kwargs)
        else:
            response = session.custom.list_namespaced_custom_object(resource.group, version, namespace, resource.plural, **kwargs)
    elif namespace is None:
        response = getattr(session.core, f"list_{_snake(resource.kind)}_for_all_namespaces")(**kwargs)
    else:
        response = getattr(session.core, f"list_namespaced_{_snake(resource.kind)}")(namespace, **kwargs)
    try:
        return json.loads(response.data)
    finally:
        response.release_conn()


def _list_all(session: _Session, resource: ClusterResource, version: str, namespace: str | None) -> list[dict]:
    items: list[dict] = []
    token: str | None = None
    seen: set[str] = set()
    while True:
        page = _list_page(session, resource, version, namespace, token)
        if not isinstance(page, dict):
            raise ValueError("the list is not a JSON object")
        items.extend(item for item in page.get("items") or () if isinstance(item, dict))
        token = (page.get("metadata") or {}).get("continue")
        if not token or token in seen:
            return items
        seen.add(token)


#: Characters JSON leaves raw that YAML reads as line breaks or forbids: written as \\u escapes.
_NOT_YAML_SAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _object_input(context: str, resource: ClusterResource, version: str, item: dict) -> InMemoryInput:
    """One listed object as a manifest: what the API server adds removed, kind and apiVersion put back."""
    metadata = dict(item.get("metadata") or {})
    metadata.pop("managedFields", None)
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        metadata["annotations"] = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
    # items of built-in kinds come without kind and apiVersion; every item is served at the listed version
    manifest = {"apiVersion": f"{resource.group}/{version}" if resource.group else version, "kind": resource.kind}
    manifest.update((k, v) for k, v in item.items() if k not in ("apiVersion", "kind", "metadata", "status"))
    manifest["metadata"] = metadata
    namespace = metadata.get("namespace") if resource.namespaced else None
    uri = object_uri(context, resource.kind, str(metadata.get("name") or "<unnamed>"), namespace or None)
    text = _NOT_YAML_SAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(manifest, ensure_ascii=False))
    return InMemoryInput(uri, text.encode("utf-8", "surrogatepass"), fields_only=True)


def _server_message(exc: Exception) -> str:
    body = getattr(exc, "body", None) or ""
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message or body.strip() or getattr(exc, "reason", "") or exc)


def _list_problem(context: str, resource: ClusterResource, namespace: str | None, exc: Exception) -> Problem:
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", None) or ""
    where = f" in namespace {namespace}" if namespace else (" in any namespace" if resource.namespaced else "")
    scope = namespace or ("*" if resource.namespaced else None)
    location = Location(object_uri(context, resource.kind, namespace=scope), 1, 1)
    if status is None:
        return Problem(
            RULE, f"cannot list {resource.kind}{where}: the answer is not a Kubernetes list ({exc}); they are not checked", location
        )
    detail = f"{_server_message(exc)} ({status} {reason})".strip()
    advice = f" (timeout-lint needs list on {resource.qualified})" if status == 403 else ""
    return Problem(RULE, f"cannot list {resource.kind}{where}: {detail}; they are not checked{advice}", location)


def read_cluster(options: ClusterOptions, resources: tuple[ClusterResource, ...] = CLUSTER_RESOURCES) -> ClusterRead:
    session = _connect(options)  # first: it says so when the client is not installed
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException
    from urllib3.exceptions import HTTPError

    scopes: list[str | None] = [None] if options.all_namespaces else list(options.namespaces or (session.namespace,))
    inputs: list[InMemoryInput] = []
    problems: list[Problem] = []
    not_served: list[ClusterResource] = []
    try:
        for resource in resources:
            versions = list(resource.versions)
            for scope in scopes if resource.namespaced else [None]:
                while versions:
                    try:
                        items = _list_all(session, resource, versions[0], scope)
                    except ApiException as exc:
                        if exc.status == 404:  # this group/version is not served: try the next version
                            versions.pop(0)
                            continue
                        if exc.status == 401:
                            raise ClusterError(
                                f"--cluster: the cluster of context {session.context} at {session.host} refused the credentials "
                                f"(401 Unauthorized): {_server_message(exc)}"
                            ) from None
                        problems.append(_list_problem(session.context, resource, scope, exc))
                    except ValueError as exc:  # an answer that is not JSON (a proxy's error page)
                        problems.append(_list_problem(session.context, resource, scope, exc))
                    else:
                        inputs.extend(_object_input(session.context, resource, versions[0], item) for item in items)
                    break
                if not versions:
                    not_served.append(resource)
                    break
    except HTTPError as exc:  # connection refused, timeouts, TLS: urllib3 gave up after its retries
        reason = getattr(exc, "reason", None) or exc
        raise ClusterError(
            f"--cluster: cannot reach the cluster of context {session.context} at {session.host}: {_one_line(reason)}"
        ) from None
    except ConfigException as exc:  # refreshing credentials (an exec plugin, an expired token) failed
        raise ClusterError(f"--cluster: cannot authenticate with context {session.context}: {_one_line(exc)}") from None
    if not_served:
        kinds = ", ".join(f"{r.kind} ({r.group or 'core'}/{' or '.join(r.versions)})" for r in not_served)
        message = (
            f"not served by this cluster, so not read: {kinds} (a custom resource whose CRD is not installed, or an API version it lacks)"
        )
        problems.append(Problem(NOT_SERVED_RULE, message, Location(object_uri(session.context), 1, 1)))
    return ClusterRead(session.context, tuple(inputs), tuple(problems))
