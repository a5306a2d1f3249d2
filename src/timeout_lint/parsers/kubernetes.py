"""Kubernetes manifests: Ingress, Service, workloads, IngressClass; CRDs are handed to their system's parser.

Multi-document files and ``List`` kinds are read; documents of other kinds are passed over without
being walked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ruamel.yaml.nodes import ScalarNode

from timeout_lint.model import Location, Problem, WorstCase
from timeout_lint.parsers.declarations import DISABLE_KEY, Entry, worst_case_from_entries
from timeout_lint.prescan import Skipped
from timeout_lint.yamlnodes import Y

if TYPE_CHECKING:
    from collections.abc import Container

    from timeout_lint.parsers.commands import Arg
    from timeout_lint.suppressions import Suppression

DEFAULT_NAMESPACE = "default"
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
INGRESS_API_VERSIONS = frozenset({"networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1"})
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


class Meta(NamedTuple):
    """What every object has: identity, where it is, its annotations and labels."""

    api_version: str
    kind: str
    name: str
    namespace: str
    location: Location  # the object (its `kind:` line)
    annotations: dict[str, Entry]
    labels: dict[str, Entry]
    namespace_explicit: bool = True
    #: the lines the object spans in its file (its first key to its last value), for annotation suppressions
    first_line: int = 0
    last_line: int = 0

    @property
    def ref(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"

    def annotation(self, key: str) -> str | None:
        entry = self.annotations.get(key)
        return entry.value if entry is not None else None


class IngressBackend(NamedTuple):
    host: str | None
    path: str | None
    service: str
    port: int | str | None  # a number or a port name
    location: Location


class Ingress(NamedTuple):
    meta: Meta
    class_name: str | None
    class_location: Location | None
    backends: tuple[IngressBackend, ...]


class ServicePort(NamedTuple):
    name: str | None
    port: int | None
    target_port: int | str | None
    protocol: str = "TCP"


class Service(NamedTuple):
    meta: Meta
    selector: dict[str, str]
    ports: tuple[ServicePort, ...]
    worst_case: WorstCase | None
    type: str = "ClusterIP"  # spec.type
    load_balancer_class: str | None = None  # spec.loadBalancerClass

    def port(self, ref: int | str | None) -> ServicePort | None:
        """The port an Ingress backend names, by number or by name (as the API server resolves it)."""
        for item in self.ports:
            if (isinstance(ref, int) and item.port == ref) or (isinstance(ref, str) and item.name == ref):
                return item
        return None


class Container(NamedTuple):
    name: str
    image: str | None
    command: tuple[str, ...]
    args: tuple[str, ...]
    location: Location
    command_location: Location | None = None
    args_location: Location | None = None
    #: where each command/args item is written, in order (for flags such as Traefik's --entryPoints.*)
    command_item_locations: tuple[Location, ...] = ()
    args_item_locations: tuple[Location, ...] = ()
    #: command then args, each word where it is written
    words: tuple[Arg, ...] = ()


class Workload(NamedTuple):
    meta: Meta
    selector: dict[str, str]
    template_labels: dict[str, str]
    template_annotations: dict[str, Entry]
    containers: tuple[Container, ...]
    worst_case: WorstCase | None


class IngressClass(NamedTuple):
    meta: Meta
    controller: str | None
    is_default: bool


class ConfigMap(NamedTuple):
    meta: Meta
    #: the data map's keys that some system reads (parsers.ingress_nginx.CONFIG_MAP_KEYS), with positions
    data: dict[str, Entry]


@dataclass
class KubernetesObjects:
    """The objects read from manifests, by kind."""

    ingresses: list[Ingress] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    ingress_classes: list[IngressClass] = field(default_factory=list)
    config_maps: list[ConfigMap] = field(default_factory=list)
    #: CRDs of other systems, by kind, each a (Meta, document view) for that system's parser
    custom: dict[str, list] = field(default_factory=dict)
    #: timeout-lint/disable annotations, each covering its object's lines
    suppressions: list[Suppression] = field(default_factory=list)


#: What entries() gives for an empty or missing map: one dict for all of them (most objects have no
#: annotations or no labels, and a run holds tens of thousands of objects). Never written to.
NO_ENTRIES: dict[str, Entry] = {}


def entries(map_node: Y | None, keep: Container[str] | None = None) -> dict[str, Entry]:
    """An annotation or label map as Entries (NO_ENTRIES when there are none: read it, never write it).
    Kubernetes takes only strings there: a mapping or a list is reported (the API server would reject
    the object) and left out. With ``keep``, only those keys are kept (every value is checked)."""
    if map_node is None or (map_node.is_scalar and map_node.text is None):
        return NO_ENTRIES
    if not map_node.is_map:
        map_node.report("invalid-object", f"{map_node.pointer} must be a mapping of strings, not a {map_node.shape}")
        return NO_ENTRIES
    out: dict[str, Entry] = {}
    source = map_node.ctx.source
    for key, value, key_location in map_node.items():
        node = value.node
        if not isinstance(node, ScalarNode):
            value.report("invalid-object", f'{map_node.pointer}["{key}"] must be a string, not a {value.shape}; ignored')
            continue
        if keep is not None and key not in keep:
            continue
        line = node.start_mark.line + 1
        location = source.location(line, node.start_mark.column + 1, key_location.pointer)  # the key's path is the value's
        out[key] = Entry(key, value.text, key_location, location, quoted=node.style in ("'", '"'), comment=source.comment_at(line))
    return out or NO_ENTRIES


def line_span(doc: Y) -> tuple[int, int]:
    """First and last line (1-based) of a node: from its start to the end of its last value.

    A block mapping's own end mark lies at the next document (past trailing comments), so the last
    line is taken from the innermost last value instead.
    """
    node = doc.node
    while isinstance(node.value, list) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    end = node.end_mark
    last_line = end.line + 1 if end.column > 0 else max(end.line, 1)
    return doc.line, max(last_line, doc.line)


def read_meta(doc: Y, api_version: str, kind: str) -> Meta:
    metadata = doc.get("metadata")
    namespace = metadata.str_at("namespace") if metadata is not None else None
    kind_location = doc.key_location("kind") or doc.location
    first_line, last_line = line_span(doc)
    return Meta(
        api_version=api_version,
        kind=kind,
        name=(metadata.str_at("name") if metadata is not None else None) or "<unnamed>",
        namespace=namespace or DEFAULT_NAMESPACE,
        location=kind_location,
        annotations=entries(metadata.get("annotations") if metadata is not None else None),
        labels=entries(metadata.get("labels") if metadata is not None else None),
        namespace_explicit=namespace is not None,
        first_line=first_line,
        last_line=last_line,
    )


def _labels(map_node: Y | None) -> dict[str, str]:
    return {key: entry.value or "" for key, entry in entries(map_node).items()}


def _port(node: Y | None) -> int | str | None:
    if node is None:
        return None
    value = node.plain_value()
    if isinstance(value, bool) or value is None:
        return None
    return value if isinstance(value, int) else str(value)


def parse_ingress(doc: Y, meta: Meta) -> Ingress:
    spec = doc.get("spec")
    class_name = spec.str_at("ingressClassName") if spec is not None else None
    class_location = spec.key_location("ingressClassName") if class_name and spec is not None else None
    if class_name is None and INGRESS_CLASS_ANNOTATION in meta.annotations:
        entry = meta.annotations[INGRESS_CLASS_ANNOTATION]
        class_name, class_location = entry.value, entry.location
    backends: list[IngressBackend] = []

    def backend(node: Y | None, host: str | None, path: str | None) -> None:
        if node is None:
            return
        service = node.get("service")
        if service is not None:  # networking.k8s.io/v1
            name = service.str_at("name")
            port_node = service.get("port")
            port = _port(port_node.get("number")) if port_node is not None and port_node.get("number") else None
            if port is None and port_node is not None:
                port = port_node.str_at("name")
        else:  # extensions/v1beta1 and networking.k8s.io/v1beta1
            name = node.str_at("serviceName")
            port = _port(node.get("servicePort"))
        if name:
            backends.append(IngressBackend(host, path, name, port, node.location))

    if spec is not None:
        backend(spec.get("defaultBackend") or spec.get("backend"), None, None)
        for rule in spec.get("rules").seq() if spec.get("rules") is not None else ():
            host = rule.str_at("host")
            paths = rule.get("http", "paths")
            for item in paths.seq() if paths is not None else ():
                backend(item.get("backend"), host, item.str_at("path") or "/")
    return Ingress(meta, class_name, class_location, tuple(backends))


def parse_service(doc: Y, meta: Meta, problems: list[Problem]) -> Service:
    spec = doc.get("spec")
    ports: list[ServicePort] = []
    if spec is not None and spec.get("ports") is not None:
        for item in spec.get("ports").seq():
            port = _port(item.get("port"))
            ports.append(
                ServicePort(
                    item.str_at("name"),
                    port if isinstance(port, int) else None,
                    _port(item.get("targetPort")),
                    (item.str_at("protocol") or "TCP").upper(),
                )
            )
    selector = _labels(spec.get("selector")) if spec is not None else {}
    return Service(
        meta,
        selector,
        tuple(ports),
        worst_case_from_entries(meta.annotations, meta.labels, problems=problems),
        type=(spec.str_at("type") if spec is not None else None) or "ClusterIP",
        load_balancer_class=spec.str_at("loadBalancerClass") if spec is not None else None,
    )


def _item_locations(node: Y | None) -> tuple[Location, ...]:
    if node is None or not node.is_seq:
        return (node.location,) if node is not None and node.is_scalar else ()
    return tuple(item.location for item in node.seq() if item.is_scalar)


def _strings(node: Y | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if node.is_seq:
        return tuple(item.text or "" for item in node.seq() if item.is_scalar)
    if node.is_scalar and node.text is not None:
        return (node.text,)
    return ()


def parse_workload(doc: Y, meta: Meta, problems: list[Problem]) -> Workload:
    from timeout_lint.parsers.commands import yaml_args  # command words, positioned

    spec = doc.get("spec")
    template = spec.get("template") if spec is not None else None
    template_meta = template.get("metadata") if template is not None else None
    template_annotations = entries(template_meta.get("annotations") if template_meta is not None else None)
    template_labels = entries(template_meta.get("labels") if template_meta is not None else None)
    containers: list[Container] = []
    pod_spec = template.get("spec") if template is not None else None
    if pod_spec is not None and pod_spec.get("containers") is not None:
        for item in pod_spec.get("containers").seq():
            if not item.is_map:
                continue
            command, args = item.get("command"), item.get("args")
            containers.append(
                Container(
                    name=item.str_at("name") or "",
                    image=item.str_at("image"),
                    command=_strings(command),
                    args=_strings(args),
                    location=item.location,
                    command_location=command.location if command is not None else None,
                    args_location=args.location if args is not None else None,
                    command_item_locations=_item_locations(command),
                    args_item_locations=_item_locations(args),
                    words=yaml_args(command) + yaml_args(args),
                )
            )
    selector_node = spec.get("selector", "matchLabels") if spec is not None else None
    worst = worst_case_from_entries(meta.annotations, meta.labels, template_annotations, template_labels, problems=problems)
    return Workload(
        meta,
        _labels(selector_node),
        {key: entry.value or "" for key, entry in template_labels.items()},
        template_annotations,
        tuple(containers),
        worst,
    )


def parse_ingress_class(doc: Y, meta: Meta) -> IngressClass:
    controller = doc.str_at("spec", "controller")
    default = (meta.annotation(DEFAULT_CLASS_ANNOTATION) or "").lower() == "true"
    return IngressClass(meta, controller, default)


#: Custom resources, by kind: "module:function"(meta, document) -> the system's parsed object, or None
#: when the object is another API group's kind of that name (Istio also has a Gateway).
#: Collected here while reading, parsed by parse.parse_all, kept in Inventory.custom[kind].
#: A key is a kind, or "group/kind" where a kind name is shared by several systems (Istio's Gateway
#: and the Gateway API's); the group-qualified key is looked up first.
CUSTOM_RESOURCES = {
    "KongIngress": "timeout_lint.parsers.kong:parse_kong_ingress",
    "networking.istio.io/VirtualService": "timeout_lint.parsers.istio:parse_virtual_service",
    "networking.istio.io/DestinationRule": "timeout_lint.parsers.istio:parse_destination_rule",
    "networking.istio.io/Gateway": "timeout_lint.parsers.istio:parse_gateway",
    "traefik.io/IngressRoute": "timeout_lint.parsers.traefik:parse_ingress_route",
    "traefik.io/ServersTransport": "timeout_lint.parsers.traefik:parse_servers_transport",
    "traefik.containo.us/IngressRoute": "timeout_lint.parsers.traefik:parse_ingress_route",
    "traefik.containo.us/ServersTransport": "timeout_lint.parsers.traefik:parse_servers_transport",
    "KongUpstreamPolicy": "timeout_lint.parsers.kong:parse_kong_upstream_policy",
    "gateway.networking.k8s.io/GatewayClass": "timeout_lint.parsers.gateway_api:parse_gateway_class",
    "gateway.networking.k8s.io/Gateway": "timeout_lint.parsers.gateway_api:parse_gateway",
    "gateway.networking.k8s.io/HTTPRoute": "timeout_lint.parsers.gateway_api:parse_http_route",
    "cloud.google.com/BackendConfig": "timeout_lint.parsers.gke:parse_backend_config",
}


#: kind -> (API groups it belongs to, the apiVersions of those groups timeout-lint reads)
KNOWN_VERSIONS = {
    "Ingress": (("networking.k8s.io", "extensions"), INGRESS_API_VERSIONS),
    "IngressClass": (("networking.k8s.io",), frozenset({"networking.k8s.io/v1", "networking.k8s.io/v1beta1"})),
    "Service": (("",), frozenset({"v1"})),
    **{
        kind: (("apps", "extensions"), frozenset({"apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"}))
        for kind in WORKLOAD_KINDS
    },
}


#: the kinds read_object reads (see reads_kind)
_READ_KINDS = frozenset({"Ingress", "Service", "IngressClass", "ConfigMap", *WORKLOAD_KINDS, *KNOWN_VERSIONS})
_CUSTOM_KINDS = frozenset(key.rpartition("/")[2] for key in CUSTOM_RESOURCES)


def _identity(doc: Y) -> tuple[str, str] | None:
    """(kind, apiVersion) of a Kubernetes object (a mapping with both); None for any other document."""
    if not doc.is_map:
        return None
    kind = doc.str_at("kind")
    api_version = doc.str_at("apiVersion")
    return (kind, api_version) if kind and api_version else None


def reads_kind(kind: str) -> bool:
    """Whether read_object reads more of an object of this kind than its kind, its apiVersion and its
    timeout-lint/disable annotation. Objects of the other kinds are passed over without being
    composed (prescan.py). Every kind read_object dispatches on must be accepted here
    (tests/test_prescan.py checks it against read_object's source)."""
    return kind.endswith("List") or kind in _READ_KINDS or kind in _CUSTOM_KINDS


def read_manifests(documents: list[Y | Skipped], out: KubernetesObjects, problems: list[Problem]) -> None:
    """The documents of one file. In a file that holds Kubernetes objects, a document that is not
    one (a bare value, a list, a mapping without apiVersion or kind) is reported; empty documents
    are fine. Files without any object (Helm values, CI configs) are not manifests at all.
    A Skipped document is an object of a kind nothing reads, passed over (prescan.py)."""
    identities = [None if isinstance(doc, Skipped) else _identity(doc) for doc in documents]
    if not any(isinstance(doc, Skipped) or identity is not None for doc, identity in zip(documents, identities, strict=True)):
        return
    for index, (doc, identity) in enumerate(zip(documents, identities, strict=True), 1):
        if isinstance(doc, Skipped):
            continue
        if identity is not None:
            read_object(doc, out, problems, identity)
        elif not (doc.is_scalar and doc.text is None):
            missing = "is a " + doc.shape if not doc.is_map else "has no apiVersion or no kind"
            doc.report("invalid-object", f"YAML document {index} {missing}: not a Kubernetes object, skipped")


def custom_resource_key(api_version: str, kind: str) -> str | None:
    """The CUSTOM_RESOURCES key for an object: "group/kind" when registered, else the kind, else None."""
    qualified = f"{api_version.partition('/')[0]}/{kind}"
    if qualified in CUSTOM_RESOURCES:
        return qualified
    return kind if kind in CUSTOM_RESOURCES else None


def read_object(doc: Y, out: KubernetesObjects, problems: list[Problem], identity: tuple[str, str] | None = None) -> None:
    """Dispatch one object by kind; Lists are unpacked. ``identity``: its (kind, apiVersion), when already read."""
    if identity is not None:
        kind, api_version = identity
    else:
        if not doc.is_map:
            return
        kind = doc.str_at("kind")
        api_version = doc.str_at("apiVersion") or ""
        if not kind:
            return
    if kind.endswith("List") and doc.get("items") is not None:
        for item in doc.get("items").seq():
            read_object(item, out, problems)
        return
    _read_disable_annotation(doc, out, problems)
    known = KNOWN_VERSIONS.get(kind)
    if known is not None and api_version not in known[1]:
        group = api_version.rpartition("/")[0]
        if group in known[0]:  # the same API group at a version timeout-lint does not know
            where = doc.get("apiVersion") or doc
            where.report(
                "invalid-object",
                f"{kind} {api_version} is not an API version timeout-lint reads ({', '.join(sorted(known[1]))}); not linted",
            )
        return  # a kind of the same name in another group (a Knative Service) is another kind
    if kind == "Ingress":
        out.ingresses.append(parse_ingress(doc, read_meta(doc, api_version, kind)))
    elif kind == "Service":
        out.services.append(parse_service(doc, read_meta(doc, api_version, kind), problems))
    elif kind in WORKLOAD_KINDS:
        out.workloads.append(parse_workload(doc, read_meta(doc, api_version, kind), problems))
    elif kind == "IngressClass":
        out.ingress_classes.append(parse_ingress_class(doc, read_meta(doc, api_version, kind)))
    elif kind == "ConfigMap" and api_version == "v1":
        from timeout_lint.parsers.ingress_nginx import CONFIG_MAP_KEYS

        # only the keys a system reads are kept: the rest of a ConfigMap is an app's own settings,
        # often whole files, and a run holds every ConfigMap of the tree until it ends
        out.config_maps.append(ConfigMap(read_meta(doc, api_version, kind), entries(doc.get("data"), keep=CONFIG_MAP_KEYS)))
    elif (key := custom_resource_key(api_version, kind)) is not None:
        out.custom.setdefault(key, []).append((read_meta(doc, api_version, kind), doc))


def _read_disable_annotation(doc: Y, out: KubernetesObjects, problems: list[Problem]) -> None:
    """``timeout-lint/disable: "TL101: reason"`` silences findings anywhere in this object, of any kind."""
    annotations = doc.get("metadata", "annotations")
    value = annotations.get(DISABLE_KEY) if annotations is not None and annotations.is_map else None
    if value is None:
        return
    from timeout_lint.suppressions import from_annotation  # only objects that carry the annotation pay for it

    first_line, last_line = line_span(doc)
    location = annotations.key_location(DISABLE_KEY) or value.location
    found, bad = from_annotation(value.text if value.is_scalar else None, location, first_line, last_line)
    out.suppressions.extend(found)
    problems.extend(bad)
