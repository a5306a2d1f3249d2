"""The project file's lint settings: which rules run, their severity and options, exclusions, exit policy.

``read_settings`` reads them from the validated node tree of either file form into ProjectConfig;
``project_schema`` fills the schema's ``rules`` part in from the rule catalogue. Selectors (codes,
prefixes, names) are checked against the catalogue here, options by each rule's options type.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from timeout_lint.model import Problem, Severity

if TYPE_CHECKING:
    from collections.abc import Callable

    from timeout_lint.config import ProjectConfig
    from timeout_lint.yamlnodes import Y

SELECTOR_KEYS = ("select", "ignore", "extend-select")
SETTINGS_KEYS = (*SELECTOR_KEYS, "rules", "exclude", "force-exclude", "per-file-ignores", "fail-on")
_TYPE_NAMES = {"array": "a list", "object": "a mapping", "string": "text", "boolean": "true or false"}


def project_schema(schema: dict) -> dict:
    """The shipped schema with ``rules`` narrowed to the catalogue: each rule by code or name, with its options."""
    from timeout_lint.options import option_key
    from timeout_lint.rules import ALL_RULES

    rules = schema.get("properties", {}).get("rules")
    if rules is None:
        return schema
    schema = copy.deepcopy(schema)
    rules = schema["properties"]["rules"]
    generic = schema["$defs"]["rule-settings"]
    properties = {}
    for rule in ALL_RULES:
        entry = copy.deepcopy(generic)
        entry["additionalProperties"] = False
        for name in rule.options._fields if rule.options is not None else ():
            # the value is converted (and its errors reported) by the rule's options type
            entry["properties"][option_key(name)] = {}
        properties[rule.code] = properties[rule.name] = entry
    rules["properties"] = properties
    rules["additionalProperties"] = False
    return schema


def settings_message(error) -> str | None:
    """A clearer message than jsonschema's for errors under the settings keys, or None."""
    path = tuple(error.absolute_path)
    if not path or path[0] not in SETTINGS_KEYS:
        return None
    import re

    if error.validator == "additionalProperties" and path[0] == "rules":
        extra = re.findall(r"'([^']+)' (?:was|were) unexpected", error.message) or re.findall(r"'([^']+)'", error.message)
        if len(path) == 1:
            return f"unknown rule {', '.join(repr(e) for e in extra)}: use a code (TL101) or a rule name"
        from timeout_lint.options import option_key
        from timeout_lint.rules import BY_CODE, BY_NAME

        rule = BY_CODE.get(path[1]) or BY_NAME.get(path[1])
        if rule is not None:
            known = ["severity", *(option_key(f) for f in (rule.options._fields if rule.options is not None else ()))]
            return f"unknown option {', '.join(repr(e) for e in extra)} of {rule.code} (it takes: {', '.join(known)})"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        return f"must be {_TYPE_NAMES.get(wanted, wanted)}, not {_shape(error.instance)}"
    if error.validator == "pattern" and len(path) >= 2 and (path[0] in SELECTOR_KEYS or path[0] == "per-file-ignores"):
        return f"{error.instance!r} is not a rule code, prefix or name"
    return None


def _shape(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    return repr(value)


def _selectors(node: Y, where: str, problems: list[Problem], valid: Callable[[int], bool]) -> tuple[str, ...]:
    """A list of rule selectors; unknown ones are problems at their item and are dropped (as are invalid ones)."""
    from timeout_lint.engine import unknown_selectors

    out = []
    for index, item in enumerate(node.seq()):
        text = item.text
        if text is None or not valid(index):
            continue
        if unknown_selectors([text]):
            problems.append(
                Problem("invalid-configuration", f"{where}[{index}]: unknown rule code, prefix or name {text!r}", item.location)
            )
            continue
        out.append(text)
    return tuple(out)


def read_settings(root: Y, config: ProjectConfig, ok: Callable[..., bool]) -> None:
    """Fill the settings part of ``config`` from a validated document; ``ok(*path)`` says a part passed the schema.

    Each entry stands on its own: a bad item of a list, or a bad rule under ``rules``, drops only itself.
    """
    from timeout_lint.options import OptionError, build
    from timeout_lint.rules import BY_CODE, BY_NAME

    problems = config.problems
    for key in SELECTOR_KEYS:
        node = root.get(key)
        if node is not None and node.is_seq:
            setattr(config, key.replace("-", "_"), _selectors(node, key, problems, lambda index, key=key: ok(key, index)))

    rules = root.get("rules")
    if rules is not None and rules.is_map:
        configured: dict[str, str] = {}
        for key, value, key_location in rules.items():
            if not ok("rules", key):
                continue
            rule = BY_CODE.get(key) or BY_NAME.get(key)
            if rule is None:  # pragma: no cover - the schema admits only the catalogue
                continue
            if rule.code in configured:
                problems.append(
                    Problem(
                        "invalid-configuration",
                        f"rules: {rule.code} is configured twice (as {configured[rule.code]} and {key})",
                        key_location,
                    )
                )
                continue
            configured[rule.code] = key
            values = value.to_python() if value.is_map else {}
            severity = values.pop("severity", None)
            if severity is not None:
                config.severities[rule.code] = Severity(severity)
            try:
                config.rule_options[rule.code] = build(rule.options, values, rule.code)
            except OptionError as exc:
                where = value.get(exc.key) if exc.key is not None else None
                location = where.location if where is not None else key_location
                problems.append(Problem("invalid-configuration", f"rules.{key}.{exc.message}", location))

    exclude = root.get("exclude")
    if exclude is not None and exclude.is_seq:
        config.exclude = tuple(item.text for index, item in enumerate(exclude.seq()) if item.text and ok("exclude", index))
    force = root.get("force-exclude")
    if force is not None and ok("force-exclude"):
        config.force_exclude = force.plain_value() is True

    per_file = root.get("per-file-ignores")
    if per_file is not None and per_file.is_map:
        entries = []
        for pattern, value, _ in per_file.items():
            if value.is_seq:
                valid = lambda index, pattern=pattern: ok("per-file-ignores", pattern, index)  # noqa: E731
                selectors = _selectors(value, f"per-file-ignores.{pattern}", problems, valid)
                if selectors:
                    entries.append((pattern, selectors))
        config.per_file_ignores = tuple(entries)

    fail_on = root.get("fail-on")
    if fail_on is not None and ok("fail-on") and fail_on.text:
        config.fail_on = Severity(fail_on.text)
