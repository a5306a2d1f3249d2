"""ingress-nginx: the nginx location an Ingress of its class becomes, with the timeouts it gets.

Each value comes from the Ingress annotation, else the controller's ConfigMap, else the built-in
default (defaults.PRECEDENCE["ingress-nginx", "timeouts"]).

Which ConfigMap is the controller's
-----------------------------------
The controller reads exactly one ConfigMap, the one its ``--configmap=namespace/name`` flag names
(``$(POD_NAMESPACE)`` is the controller's own namespace), and none without the flag. So:

1. When the tree holds controller workloads that serve the Ingress (image ``.../ingress-nginx/controller``
   or the labels ``app.kubernetes.io/name: ingress-nginx`` + ``app.kubernetes.io/component: controller``,
   narrowed by ``--ingress-class``, ``--controller-class``, ``--watch-namespace``), their flags decide:
   no flag means the built-in defaults; a named ConfigMap that is not in the linted files means the
   values it could set are unknown.
2. Otherwise a ConfigMap counts as the controller's when it is named ``ingress-nginx-controller``,
   ``<release>-ingress-nginx-controller`` (the Helm chart) or ``nginx-configuration`` (the static
   manifests before 0.30), or carries both labels above. The chart's ``tcp-services`` and
   ``udp-services`` ConfigMaps carry the name label but not the component one, and do not count.

Several candidates are never guessed between: a value counts only when every candidate gives the same
one (or none sets it). When they disagree, or one is missing, that value is left out of the hop (and
not checked), with a note saying why.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from timeout_lint.defaults import DEFAULT_RETRIES, DEFAULT_SETTINGS, lookup
from timeout_lint.link.core import Linker
from timeout_lint.link.kubernetes import controller_workloads, ingress_classes
from timeout_lint.model import DroppedValue, Hop, IgnoredValue, Location, Retries, Role, Site, Timeout
from timeout_lint.parsers.ingress_nginx import (
    DEFAULT_PREFIX,
    GLOBAL_TIMEOUT_KEYS,
    NEXT_UPSTREAM,
    NEXT_UPSTREAM_TIMEOUT,
    NEXT_UPSTREAM_TRIES,
    TIMEOUT_KEYS,
    ControllerFlags,
    IngressNginxSettings,
    Setting,
    annotation_settings,
    config_map_settings,
    controller_flags,
)

if TYPE_CHECKING:
    from timeout_lint.parsers.kubernetes import ConfigMap, Ingress, IngressBackend, Service, Workload

SYSTEM = "ingress-nginx"
CONFIG_MAP_NAMES = ("ingress-nginx-controller", "nginx-configuration")
CONFIG_MAP_LABELS = (("app.kubernetes.io/name", "ingress-nginx"), ("app.kubernetes.io/component", "controller"))
_EMPTY = IngressNginxSettings({}, {})


class ConfigSource(NamedTuple):
    """One place the controller's global values may come from."""

    label: str  # "ConfigMap ingress-nginx/ingress-nginx-controller", "built-in defaults"
    settings: IngressNginxSettings | None  # None: named, but not in the linted files
    location: Location | None


def flags(linker: Linker, workload: Workload) -> ControllerFlags:
    """A controller workload's flags, read once per run."""
    cache = linker.index("ingress_nginx_flags", dict)
    key = workload.meta.location.sort_key
    if key not in cache:
        cache[key] = controller_flags(workload)
    return cache[key]


def class_name(linker: Linker, workload: Workload) -> str:
    """The class an ingress-nginx controller takes by name (--ingress-class, "nginx" without it)."""
    return flags(linker, workload).ingress_class


def serves(linker: Linker, workload: Workload, ingress: Ingress) -> bool:
    """Whether this controller's flags make it take the Ingress (internal/ingress/controller/store)."""
    flags_ = flags(linker, workload)
    if flags_.watch_namespaces and ingress.meta.namespace not in flags_.watch_namespaces:
        return False
    name = ingress.class_name
    classes = ingress_classes(linker)
    if name is None:
        defaults = [c for c in classes.values() if c.is_default]
        if len(defaults) == 1:
            return defaults[0].controller == flags_.controller_class
        return flags_.watch_without_class
    ingress_class = classes.get(name)
    if ingress_class is not None and ingress_class.controller:
        return ingress_class.controller == flags_.controller_class
    return name == flags_.ingress_class


def is_controller_config_map(config_map: ConfigMap) -> bool:
    name = config_map.meta.name
    labels = {key: entry.value for key, entry in config_map.meta.labels.items()}
    if name in CONFIG_MAP_NAMES or name.endswith("-ingress-nginx-controller"):
        return True
    return all(labels.get(key) == value for key, value in CONFIG_MAP_LABELS)


def config_sources(linker: Linker, ingress: Ingress) -> tuple[tuple[ConfigSource, ...], str]:
    """The controller's ConfigMap candidates for this Ingress, and the annotation prefix its controllers use."""
    controllers = [w for w in controller_workloads(linker).get(SYSTEM, []) if serves(linker, w, ingress)]
    key = tuple(w.meta.location.sort_key for w in controllers)
    cache = linker.index("ingress_nginx_sources", dict)
    if key not in cache:
        cache[key] = _sources(linker, controllers)
    return cache[key]


def _sources(linker: Linker, controllers: list[Workload]) -> tuple[tuple[ConfigSource, ...], str]:
    config_maps = linker.inventory.kubernetes.config_maps
    settings = linker.index("ingress_nginx_config_maps", lambda: {id(c): config_map_settings(c) for c in config_maps})
    if controllers:
        by_name: dict[tuple[str, str], list[ConfigMap]] = {}
        for config_map in config_maps:
            by_name.setdefault((config_map.meta.namespace, config_map.meta.name), []).append(config_map)
        sources: list[ConfigSource] = []
        prefixes = set()
        for workload in controllers:
            flags_ = flags(linker, workload)
            prefixes.add(flags_.annotations_prefix)
            if flags_.config_map_raw is None:
                sources.append(
                    ConfigSource(f"built-in defaults of {workload.meta.kind} {workload.meta.namespace}/{workload.meta.name}", _EMPTY, None)
                )
            elif flags_.config_map is None:
                sources.append(
                    ConfigSource(f'ConfigMap "{flags_.config_map_raw}" (--configmap of {workload.meta.name})', None, flags_.location)
                )
            else:
                found = by_name.get(flags_.config_map, [])
                label = f"ConfigMap {flags_.config_map[0]}/{flags_.config_map[1]}"
                sources.extend(ConfigSource(label, settings[id(c)], c.meta.location) for c in found)
                if not found:
                    sources.append(ConfigSource(label, None, flags_.location))
        prefix = prefixes.pop() if len(prefixes) == 1 else DEFAULT_PREFIX
        unique = {(source.label, source.location): source for source in sources}  # controllers naming one ConfigMap
        return tuple(unique.values()), prefix
    candidates = [c for c in config_maps if is_controller_config_map(c)]
    if not candidates:
        return (ConfigSource("built-in defaults", _EMPTY, None),), DEFAULT_PREFIX
    return tuple(
        ConfigSource(f"ConfigMap {c.meta.namespace}/{c.meta.name}", settings[id(c)], c.meta.location) for c in candidates
    ), DEFAULT_PREFIX


def _agreed(key: str, sources: tuple[ConfigSource, ...]) -> tuple[Timeout | Setting | None, str | None]:
    """The value every source gives for ``key`` (None when none sets it), or a note on why it is unknown."""
    values: list[Timeout | Setting | None] = []
    for source in sources:
        if source.settings is None:
            return None, f"{key} unknown: {source.label} is not in the linted files"
        values.append(source.settings.timeouts.get(key) or source.settings.settings.get(key))
    distinct = {(v.seconds if isinstance(v, Timeout) else v.value) if v is not None else None for v in values}
    if len(distinct) > 1:
        by_value: dict[str, list[ConfigSource]] = {}
        for source, value in zip(sources, values, strict=True):
            by_value.setdefault(f'"{value.raw}"' if value is not None else "not set", []).append(source)
        shown = "; ".join(
            f"{text} in {found[0].label} at {found[0].location}" + (f" and {len(found) - 1} more" if len(found) > 1 else "")
            for text, found in by_value.items()
        )
        return None, f"{key} unknown: the controller ConfigMaps disagree ({shown})"
    return values[0], None


def _dropped_notes(settings: IngressNginxSettings) -> list[str]:
    return [f'{d.setting} "{d.raw}" is ignored: {d.reason}' for d in settings.dropped]


def ingress_hops(linker: Linker, ingress: Ingress, service: Service | None, backend: IngressBackend | None = None) -> tuple[Hop, ...]:
    cache = linker.index("ingress_nginx_hops", dict)
    key = ingress.meta.location.sort_key
    if key not in cache:
        cache[key] = (_hop(linker, ingress),)
    return cache[key]


def _hop(linker: Linker, ingress: Ingress) -> Hop:
    sources, prefix = config_sources(linker, ingress)
    annotations = annotation_settings(ingress.meta.annotations, prefix)
    notes = _dropped_notes(annotations)
    for source in sources:
        if source.settings is not None:
            notes.extend(f"{source.label}: {note}" for note in _dropped_notes(source.settings) if f"{source.label}: {note}" not in notes)
    dropped = {d.setting.rpartition("/")[2]: d for d in annotations.dropped}
    timeouts: list[Timeout] = []
    for key in (*TIMEOUT_KEYS, *GLOBAL_TIMEOUT_KEYS):
        # --fix: the annotation on this Ingress, which only this Ingress's location reads
        on_ingress = _annotation_site(ingress, f"{prefix}/{key}") if key in TIMEOUT_KEYS else None
        chosen: Timeout | None = annotations.timeouts.get(key)
        if chosen is None:
            agreed, unknown = _agreed(key, sources)
            if unknown is not None:
                notes.append(unknown)
                continue
            chosen = agreed if isinstance(agreed, Timeout) else None
            if chosen is not None and chosen.site is not None:  # the controller's ConfigMap: every Ingress reads it
                chosen = chosen._replace(site=chosen.site._replace(own=on_ingress, prefer_own=True))
        if chosen is None:
            chosen = (
                lookup(SYSTEM, key)
                .timeout(ingress.meta.location, hint=_hint(prefix, key, ingress, dropped.get(key)) if key in TIMEOUT_KEYS else "")
                ._replace(site=on_ingress)
            )
        timeouts.append(chosen)
    retries = _retries(ingress, annotations, sources, notes)
    return Hop(
        system=SYSTEM,
        role=Role.INGRESS,
        name=f"location for {ingress.meta.ref}",
        location=ingress.meta.location,
        timeouts=tuple(timeouts),
        retries=retries,
        notes=tuple(notes),
    )


def _annotation_site(ingress: Ingress, annotation: str) -> Site:
    return Site("yaml", "s", ingress.meta.location, action="put", path=("metadata", "annotations", annotation), quoted=True)


def _hint(prefix: str, key: str, ingress: Ingress, dropped) -> str:
    if dropped is not None:
        return (
            f'write the annotation {prefix}/{key} on {ingress.meta.ref} as whole seconds, more than "{{value}}" '
            f'(its value "{dropped.raw}" is ignored)'
        )
    return f'set the annotation {prefix}/{key} on {ingress.meta.ref} to more than "{{value}}" (seconds)'


def _setting(key: str, annotations: IngressNginxSettings, sources: tuple[ConfigSource, ...], notes: list[str]) -> Setting | None:
    chosen = annotations.settings.get(key)
    if chosen is not None:
        return chosen
    agreed, unknown = _agreed(key, sources)
    if unknown is not None:
        notes.append(unknown)
    return agreed if isinstance(agreed, Setting) else None


def _retries(ingress: Ingress, annotations: IngressNginxSettings, sources: tuple[ConfigSource, ...], notes: list[str]) -> Retries:
    tries = _setting(NEXT_UPSTREAM_TRIES, annotations, sources, notes)
    on = _setting(NEXT_UPSTREAM, annotations, sources, notes)
    window = _setting(NEXT_UPSTREAM_TIMEOUT, annotations, sources, notes)
    conditions = str(on.value) if on is not None else DEFAULT_SETTINGS[(SYSTEM, NEXT_UPSTREAM)][0]
    window_seconds = float(window.value) if window is not None and int(window.value) > 0 else math.inf
    if tries is None:
        extra, _source = DEFAULT_RETRIES[(SYSTEM, NEXT_UPSTREAM_TRIES)]
        retries = Retries(extra, NEXT_UPSTREAM_TRIES, str(extra + 1), False, ingress.meta.location)
    else:
        count = int(tries.value)
        retries = Retries(count - 1 if count > 0 else -1, tries.key, tries.raw, True, tries.location)
    if "off" in conditions.split():
        retries = retries._replace(extra_tries=0)
    return retries._replace(on=conditions, window=window_seconds)


def _instead(value: DroppedValue, hop: Hop | None, key: str) -> IgnoredValue:
    """What the controller uses for ``key`` in place of ``value``: the hop's value, or the built-in default without a hop."""
    if key in TIMEOUT_KEYS or key in GLOBAL_TIMEOUT_KEYS:
        timeout = next((t for t in hop.timeouts if t.setting.rpartition("/")[2] == key), None) if hop is not None else None
        if timeout is None and hop is not None:
            return IgnoredValue(value, f"the controller ConfigMap's {key} applies instead, which is not known here")
        return IgnoredValue.replaced_by(value, timeout or lookup(SYSTEM, key).timeout(value.location), SYSTEM)
    if key == NEXT_UPSTREAM_TRIES:
        if hop is not None and hop.retries.explicit:
            return IgnoredValue(value, f'{hop.retries.setting} "{hop.retries.raw}" applies instead', hop.retries.location)
        return IgnoredValue(value, f"{SYSTEM}'s {key} default {DEFAULT_RETRIES[(SYSTEM, key)][0] + 1} applies instead")
    if key == NEXT_UPSTREAM and hop is not None:
        return IgnoredValue(value, f'proxy_next_upstream "{hop.retries.on}" applies instead')
    if key == NEXT_UPSTREAM_TIMEOUT and hop is not None:
        window = "no limit" if math.isinf(hop.retries.window) else f"{hop.retries.window:g}s"
        return IgnoredValue(value, f"a retry window of {window} applies instead")
    return IgnoredValue(value, f'{SYSTEM}\'s {key} default "{DEFAULT_SETTINGS[(SYSTEM, key)][0]}" applies instead')


def ignored_values(linker: Linker) -> Iterator[IgnoredValue]:
    """Annotation values the controller drops ("60s") on the Ingresses it serves, and ConfigMap values that do not decode."""
    from timeout_lint.link.kubernetes import controller

    for ingress in linker.inventory.kubernetes.ingresses:
        if controller(linker, ingress) != SYSTEM:
            continue
        _sources_of_ingress, prefix = config_sources(linker, ingress)
        dropped = annotation_settings(ingress.meta.annotations, prefix).dropped
        if dropped:
            (hop,) = ingress_hops(linker, ingress, None)
            yield from (_instead(value, hop, value.setting.rpartition("/")[2]) for value in dropped)
    sources, _prefix = _sources(linker, controller_workloads(linker).get(SYSTEM, []))
    for source in sources:
        if source.settings is not None and source.location is not None:
            yield from (_instead(value, None, value.setting) for value in source.settings.dropped)
