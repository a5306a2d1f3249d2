"""The project file: schema validation with positions, and what valid parts still do."""

from __future__ import annotations

from timeout_lint.config import load


def problems(tmp_path, text):
    path = tmp_path / ".timeout-lint.yaml"
    path.write_text(text)
    config = load(str(path), ".timeout-lint.yaml")
    return config, [(p.rule, p.location.line, p.location.column, p.message) for p in config.problems]


def test_valid_file(tmp_path):
    config, found = problems(
        tmp_path,
        "apps:\n  - service: export-api\n    namespace: shop\n    worst-case-response: 2m\n    first-byte: 10s\n"
        'kong-ingress-controller: "3.1"\n',
    )
    assert found == []
    (app,) = config.apps
    assert (app.service, app.namespace, app.worst_case.total, app.worst_case.first_byte) == ("export-api", "shop", 120, 10)
    assert app.worst_case.location.line == 4
    assert config.kong_ingress_controller.parts == (3, 1)


def test_every_error_has_its_line_and_valid_entries_survive(tmp_path):
    config, found = problems(
        tmp_path,
        "apps:\n"
        "  - service: a\n    worst-case-response: 120\n"
        "  - service: b\n    worst-case-response: 2m\n"
        "  - service: c\n    worst-case-response: 1m\n    first-byte: 2m\n"
        "  - worst-case-response: 2m\n"
        "colour: red\n",
    )
    assert found == [
        ("invalid-configuration", 3, 26, 'apps[0].worst-case-response: "120" has no unit: write it as "120s", "120m" or "120ms"'),
        ("invalid-configuration", 8, 17, "apps[2].first-byte 2m is longer than worst-case-response 1m"),
        ("invalid-configuration", 9, 5, "apps[3]: 'service' is required"),
        ("invalid-configuration", 10, 1, "unknown key 'colour'"),
    ]
    assert [a.service for a in config.apps] == ["b", "c"]


def test_not_a_mapping_and_broken_yaml(tmp_path):
    _, found = problems(tmp_path, "- a\n- b\n")
    assert found == [("invalid-configuration", 1, 1, "the project file must be a mapping, not a list")]
    _, found = problems(tmp_path, "apps: [\n")
    assert found[0][0] == "unparsable-input"


def test_alias_bomb_in_config_is_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    _, found = problems(tmp_path, "\n".join(lines) + "\n")
    assert found and "more than" in found[0][3]


def test_max_gap(tmp_path):
    config, found = problems(tmp_path, "apps:\n  - service: s\n    worst-case-response: 5m\n    first-byte: 5s\n    max-gap: 20s\n")
    assert found == []
    assert (config.apps[0].worst_case.max_gap, config.apps[0].worst_case.max_gap_raw) == (20, "20s")
    _, found = problems(tmp_path, "apps:\n  - service: s\n    worst-case-response: 1m\n    max-gap: 2m\n")
    assert found == [("invalid-configuration", 4, 14, "apps[0].max-gap 2m is longer than worst-case-response 1m")]
