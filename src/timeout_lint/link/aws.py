"""AWS load balancers: the ALB an Ingress of class alb becomes, and the ELB/NLB of a LoadBalancer Service.

An ALB is shared by every Ingress of one IngressGroup (``alb.ingress.kubernetes.io/group.name``; an
Ingress without one is a group of its own), and load-balancer-attributes set on any of them apply to
all (defaults.PRECEDENCE["aws-alb", "idle_timeout.timeout_seconds"]). A Service of type LoadBalancer
with AWS annotations is an entry of its own: the load balancer, then wherever the Service leads
(its app, or the Ingresses of the controller it selects).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeout_lint.defaults import lookup
from timeout_lint.link.core import GraphNode, Linker
from timeout_lint.link.kubernetes import controller, forward_to_service
from timeout_lint.model import Hop, IgnoredValue, Kind, Role, Side, Site, Timeout
from timeout_lint.parsers.aws import (
    ALB_ATTRIBUTES,
    ALB_GROUP,
    ALB_IDLE_TIMEOUT,
    ALB_RANGE,
    ELB_BACKEND_PROTOCOL,
    ELB_IDLE_TIMEOUT,
    ELB_RANGE,
    LISTENER_ATTRIBUTES,
    NLB_IDLE_TIMEOUT,
    NLB_RANGE,
    alb_idle_timeout,
    elb_idle_timeout,
    load_balancer_kind,
    nlb_listeners,
)

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import Ingress, IngressBackend, Service


def _group(ingress: Ingress) -> tuple[str, str]:
    """(key, label) of the IngressGroup: one ALB per group."""
    name = (ingress.meta.annotation(ALB_GROUP) or "").strip()
    if name:
        return f"group:{name}", f"IngressGroup {name}"
    return f"ingress:{ingress.meta.namespace}/{ingress.meta.name}", ingress.meta.ref


def _groups(linker: Linker) -> dict[str, list[Ingress]]:
    groups: dict[str, list[Ingress]] = {}
    for ingress in linker.inventory.kubernetes.ingresses:
        if controller(linker, ingress) == "aws-alb":
            groups.setdefault(_group(ingress)[0], []).append(ingress)
    return groups


def alb_ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend: IngressBackend | None = None) -> tuple[Hop, ...]:
    key, label = _group(ingress)
    groups = linker.index("alb_groups", lambda: _groups(linker))
    explicit: list[tuple[Ingress, Timeout]] = []
    notes: list[str] = []
    for member in groups.get(key, [ingress]):
        timeout, dropped = alb_idle_timeout(member.meta.annotations)
        if timeout is not None:
            explicit.append((member, timeout))
        notes.extend(f'{d.setting} "{d.raw}" on {member.meta.ref} is ignored: {d.reason}' for d in dropped)
    timeouts: tuple[Timeout, ...]
    values = sorted({t.seconds for _, t in explicit})
    if len(values) > 1:
        shown = ", ".join(f"{t.raw} on {m.meta.ref}" for m, t in explicit)
        notes.append(f"{ALB_IDLE_TIMEOUT} unknown: the Ingresses of {label} set different values ({shown}); the controller refuses them")
        timeouts = ()
    elif values:
        # the setting on this Ingress itself when it has one, else the group member's
        timeouts = (next((t for m, t in explicit if m is ingress), explicit[0][1]),)
    else:
        hint = f"set {ALB_IDLE_TIMEOUT} in the annotation {ALB_ATTRIBUTES} on {ingress.meta.ref} to more than {{value}} (seconds, at most 4000)"
        # --fix: one more attribute in the annotation (created when missing), on this Ingress
        site = _annotation_site(ingress.meta.location, ALB_ATTRIBUTES, ALB_RANGE, f"{ALB_IDLE_TIMEOUT}={{value}}")
        timeouts = (lookup("aws-alb", ALB_IDLE_TIMEOUT).timeout(ingress.meta.location, hint=hint)._replace(site=site),)
    hop = Hop(
        system="AWS ALB",
        role=Role.LOAD_BALANCER,
        name=f"ALB of {label}",
        location=ingress.meta.location,
        timeouts=timeouts + tuple(_reused_for(t) for t in timeouts),
        notes=tuple(notes),
    )
    return (hop,)


def _reused_for(idle: Timeout) -> Timeout:
    """An L7 load balancer reuses its connections to the targets and closes them after the same idle
    timeout (AWS: "configure the idle timeout of your application to be larger than the idle timeout
    configured for the load balancer"), so the one setting is also its keep-alive towards them.

    The copy has no Site: --fix writes the setting only through the idle timeout it is, never
    through this view of it."""
    return idle._replace(kind=Kind.KEEPALIVE, side=Side.UPSTREAM, site=None)


def _elb_hop(service: Service) -> Hop:
    timeout, dropped = elb_idle_timeout(service)
    notes = [f'{d.setting} "{d.raw}" is ignored: {d.reason}' for d in dropped]
    if timeout is None:
        hint = f'set the annotation {ELB_IDLE_TIMEOUT} on {service.meta.ref} to more than "{{value}}" (seconds)'
        site = _annotation_site(service.meta.location, ELB_IDLE_TIMEOUT, ELB_RANGE)
        timeout = lookup("aws-elb", "idle timeout").timeout(service.meta.location, hint=hint)._replace(site=site)
    timeouts: tuple[Timeout, ...] = (timeout,)
    if (service.meta.annotation(ELB_BACKEND_PROTOCOL) or "").strip().lower() in ("http", "https"):
        timeouts += (_reused_for(timeout),)  # HTTP listeners keep connections to the instances; TCP ones do not
    return Hop(
        "AWS Classic ELB", Role.LOAD_BALANCER, f"Classic ELB of {service.meta.ref}", service.meta.location, timeouts, notes=tuple(notes)
    )


def _nlb_hops(service: Service, kind) -> list[tuple[int, Hop]]:
    listeners, dropped = nlb_listeners(service, kind)
    shared_notes = [f'{d.setting} "{d.raw}" is ignored: {d.reason}' for d in dropped]
    hops = []
    for listener in listeners:
        timeout = listener.idle
        if timeout is None:
            if listener.protocol == "TLS":
                hint = f"the idle timeout of TLS listener {listener.port} is fixed at 350 s: terminate TLS behind the NLB (a TCP listener) to raise it above {{value}}"
            elif kind.controller == "in-tree":
                hint = (
                    f"the in-tree cloud provider cannot change an NLB's idle timeout: provision {service.meta.ref} with the AWS Load "
                    f"Balancer Controller (aws-load-balancer-type: external) and set {NLB_IDLE_TIMEOUT} in the annotation "
                    f"{listener.annotation} to more than {{value}} (seconds, at most 6000)"
                )
            else:
                hint = f"set {NLB_IDLE_TIMEOUT} in the annotation {listener.annotation} on {service.meta.ref} to more than {{value}} (seconds, at most 6000)"
            # --fix can set it only where the controller reads it: a TCP listener of the AWS Load Balancer Controller
            site = (
                None
                if listener.fixed
                else _annotation_site(service.meta.location, listener.annotation, NLB_RANGE, f"{NLB_IDLE_TIMEOUT}={{value}}")
            )
            timeout = (
                lookup("aws-nlb", NLB_IDLE_TIMEOUT)
                .timeout(service.meta.location, hint=hint)
                ._replace(setting=f"{listener.protocol}-{listener.port} {NLB_IDLE_TIMEOUT}", site=site)
            )
        hop = Hop(
            "AWS NLB",
            Role.LOAD_BALANCER,
            f"NLB listener {listener.protocol}-{listener.port} of {service.meta.ref}",
            service.meta.location,
            (timeout,),
            notes=tuple(shared_notes),
        )
        hops.append((listener.port, hop))
    return hops


def _annotation_site(location, annotation: str, bounds: tuple[int, int], entry: str = "{value}") -> Site:
    """--fix: the annotation on the object at ``location``; ``entry``: one key=value pair of a list kept in it."""
    return Site(
        "yaml",
        "s",
        location,
        action="put",
        path=("metadata", "annotations", annotation),
        entry=entry,
        separator="," if entry != "{value}" else "",
        quoted=True,
        maximum=float(bounds[1]),
    )


def link_load_balancer_service(linker: Linker, service: Service) -> bool:
    """The AWS load balancer a Service asks for, as an entry: LB -> the Service's destinations."""
    kind = load_balancer_kind(service)
    if kind is None:
        return False
    ref = f"{service.meta.namespace}/{service.meta.name}"
    hops = [(None, _elb_hop(service))] if kind.kind == "elb" else _nlb_hops(service, kind)
    for port, hop in hops:
        node_id = f"lb:{service.meta.location}:{port}"
        entry = f"load balancer of Service {ref}" + (f" port {port}" if port is not None else "")
        node = linker.graph.add(GraphNode(node_id, hops=(hop,), entry=(entry, service.meta.location)))
        node.edges.extend(forward_to_service(linker, service))
    return True


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """Load balancer values AWS drops (out of range, malformed, read by nothing), with the idle timeout that applies instead."""
    for ingress in linker.inventory.kubernetes.ingresses:
        _timeout, dropped = alb_idle_timeout(ingress.meta.annotations)
        if not dropped or controller(linker, ingress) != "aws-alb":
            continue
        (hop,) = alb_ingress_hops(linker, ingress, None)
        for value in dropped:
            if hop.timeouts:
                yield IgnoredValue.replaced_by(value, hop.timeouts[0], "the ALB")
            else:
                yield IgnoredValue(
                    value, "the idle timeout of its IngressGroup applies instead, which is not known (its Ingresses disagree)"
                )
    for service in linker.inventory.kubernetes.services:
        kind = load_balancer_kind(service)
        if kind is None:
            continue
        if kind.kind == "elb":
            _timeout, dropped = elb_idle_timeout(service)
            hop = _elb_hop(service) if dropped else None
            yield from (IgnoredValue.replaced_by(value, hop.timeouts[0], "the Classic ELB") for value in dropped)
            continue
        _listeners, dropped = nlb_listeners(service, kind)
        if not dropped:
            continue
        hops = dict(_nlb_hops(service, kind))
        for value in dropped:
            port = value.setting.rpartition("-")[2]
            hop = hops.get(int(port)) if value.setting.startswith(f"{LISTENER_ATTRIBUTES}T") and port.isdigit() else None
            if hop is not None:
                yield IgnoredValue.replaced_by(value, hop.timeouts[0], "the NLB")
            elif hops:
                shown = ", ".join(f"{h.timeouts[0].setting} {h.timeouts[0].written}" for h in hops.values())
                yield IgnoredValue(value, f"the NLB listeners' idle timeouts apply instead ({shown})")
            else:
                yield IgnoredValue(value, "the NLB has no TCP listener to apply it to")
