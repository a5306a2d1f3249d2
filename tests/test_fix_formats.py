"""The fix modules one by one: each edit written in the file's own style, and refused when it cannot be."""

from __future__ import annotations

import textwrap

import pytest

from timeout_lint.fix import nginx as nginx_fix
from timeout_lint.fix import yaml as yaml_fix
from timeout_lint.fix.haproxy import apply as haproxy_apply
from timeout_lint.fix.text import Change, FixError
from timeout_lint.fix.values import render
from timeout_lint.model import Location, Site
from timeout_lint.options import Margin


def text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


def at(line: int, column: int) -> Location:
    return Location("f", line, column)


def set_site(fmt: str, syntax: str, line: int, column: int, written: str, fragment: str | None = None) -> Site:
    return Site(fmt, syntax, at(line, column), fragment=fragment or written, written=written)


def change(site: Site, value: str) -> Change:
    if site.action == "set":
        return Change(site, site.fragment[: len(site.fragment) - len(site.written)] + value, value)
    return Change(site, site.entry.replace("{value}", value), value)


# -- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "syntax", "written", "expected"),
    [
        (150, "ms", "", "150000"),
        (150, "s", "", "150"),
        (150, "go", "", "2m30s"),
        (3630, "go", "", "1h30s"),
        (90000, "go", "", "25h"),  # Go has no days
        (150, "gateway", "", "2m30s"),
        (15, "nginx", "2s", "15s"),
        (15, "nginx", "30", "15"),  # a bare number stays a bare number of seconds
        (120, "nginx", "30s", "2m"),
        (150, "haproxy", "30", "150s"),  # never bare: that would be milliseconds
        (120, "haproxy", "30s", "2m"),
        (3630, "haproxy", "1h", "3630s"),  # one unit only: HAProxy reads 1h30s as 1h
        (150, "traefik", "10", "150"),
        (150, "traefik", "10s", "2m30s"),
    ],
)
def test_values_are_written_in_the_syntax_and_style_of_the_setting(seconds, syntax, written, expected):
    assert render(seconds, syntax, written) == expected


@pytest.mark.parametrize(("required", "expected"), [(120, 150), (10, 15), (8, 10), (90, 120), (300, 390), (3600, 4500), (0.2, 5)])
def test_without_a_margin_fix_adds_a_quarter_and_rounds_up_to_a_readable_step(required, expected):
    assert Margin().fix_value(required) == expected


def test_with_a_margin_fix_writes_the_worst_case_plus_the_margin_to_the_second():
    assert Margin.parse("10%").fix_value(120) == 132
    assert Margin.parse("30s").fix_value(100.2) == 131


# -- YAML -----------------------------------------------------------------------------------------

SERVICE = text(
    """
    # the export service
    apiVersion: v1
    kind: Service
    metadata:
        name: export-api   # four-space indentation, kept
        namespace: shop
    spec:
        ports:
            - port: 80
    """
)
ANNOTATION = Site("yaml", "ms", at(3, 1), action="put", path=("metadata", "annotations", "konghq.com/read-timeout"), quoted=True)


def test_yaml_put_creates_the_missing_mapping_with_the_files_indentation():
    assert yaml_fix.apply(SERVICE, [change(ANNOTATION, "150000")]) == SERVICE.replace(
        "    namespace: shop\n", '    namespace: shop\n    annotations:\n        konghq.com/read-timeout: "150000"\n'
    )


@pytest.mark.parametrize("empty", ["annotations:", "annotations: {}", "annotations: {}  # none yet", "annotations: ~"])
def test_yaml_put_fills_an_empty_mapping(empty):
    source = text(
        f"""
        kind: Service
        metadata:
          name: export-api
          {empty}
        spec: {{}}
        """
    )
    result = yaml_fix.apply(source, [change(ANNOTATION._replace(location=at(1, 1)), "150000")])
    comment = "  # none yet" if "#" in empty else ""
    assert result == source.replace(f"  {empty}\n", f'  annotations:{comment}\n    konghq.com/read-timeout: "150000"\n')


def test_yaml_put_refuses_a_flow_mapping_it_would_have_to_rewrite():
    source = 'kind: Service\nmetadata:\n  name: a\n  annotations: {a: "1"}\n'
    with pytest.raises(FixError, match="not a block mapping"):
        yaml_fix.apply(source, [change(ANNOTATION._replace(location=at(1, 1)), "150000")])


def test_yaml_set_keeps_quotes_and_comments_and_touches_one_line():
    source = text(
        """
        metadata:
          annotations:
            a: '30'   # single quotes
            b: "30"  # double quotes
            c: 30
        """
    )
    edits = [change(set_site("yaml", "s", line, 5, "30"), "150") for line in (3, 4, 5)]
    assert yaml_fix.apply(source, edits) == source.replace("a: '30'   #", "a: '150'  #").replace('"30"', '"150"').replace("c: 30", "c: 150")


def test_yaml_set_inside_a_value_at_the_written_column():
    source = "services:\n  web:\n    command: gunicorn --workers 30 --timeout 30 app:app\n"
    site = set_site("yaml", "s", 3, 46, "30")  # the second 30
    assert yaml_fix.apply(source, [change(site, "150")]) == source.replace("--timeout 30", "--timeout 150")


def test_yaml_set_refuses_a_value_shared_through_an_anchor():
    source = "defaults: &slow\n  read_timeout: 30000\nservices:\n  - <<: *slow\n    name: a\n"
    with pytest.raises(FixError, match="changing it would change every alias|more than the timeout"):
        yaml_fix.apply(source, [change(set_site("yaml", "ms", 2, 3, "30000"), "150000")])


def test_yaml_set_refuses_a_value_that_is_not_there():
    with pytest.raises(FixError):
        yaml_fix.apply("a: 1\nb: 2\n", [change(set_site("yaml", "s", 2, 1, "30"), "150")])


def test_yaml_keeps_crlf_line_endings_a_missing_last_newline_and_every_other_document():
    source = "kind: Deployment\r\nmetadata:\r\n  name: a\r\n...\r\n---\r\nkind: Service\r\nmetadata:\r\n  name: b"
    site = ANNOTATION._replace(location=at(6, 1))
    result = yaml_fix.apply(source, [change(site, "150000")])
    assert result == source + '\r\n  annotations:\r\n    konghq.com/read-timeout: "150000"\r\n'


def test_yaml_insert_after_a_program_in_a_command_string_and_in_block_and_flow_lists():
    site = Site("yaml", "s", at(2, 12), action="insert", fragment="gunicorn", entry="--timeout {value}")
    assert (
        yaml_fix.apply("web:\n  command: gunicorn app:app\n", [change(site, "150")]) == "web:\n  command: gunicorn --timeout 150 app:app\n"
    )
    block = "containers:\n- name: web\n  command:\n  - gunicorn  # the server\n  - app:app\n"
    result = yaml_fix.apply(block, [change(site._replace(location=at(4, 5)), "150")])
    assert result == block.replace("  - gunicorn  # the server\n", '  - gunicorn  # the server\n  - "--timeout"\n  - "150"\n')
    flow = 'web:\n  command: ["gunicorn", "app:app"]\n'
    result = yaml_fix.apply(flow, [change(site._replace(location=at(2, 13)), "150")])
    assert result == 'web:\n  command: ["gunicorn", "--timeout", "150", "app:app"]\n'


def test_yaml_put_into_a_list_kept_in_a_string_appends_or_replaces_the_item():
    attributes = "alb.ingress.kubernetes.io/load-balancer-attributes"
    site = Site(
        "yaml",
        "s",
        at(1, 1),
        action="put",
        path=("metadata", "annotations", attributes),
        entry="idle_timeout.timeout_seconds={value}",
        separator=",",
        quoted=True,
    )
    source = f"kind: Ingress\nmetadata:\n  annotations:\n    {attributes}: routing.http2.enabled=true\n"
    appended = yaml_fix.apply(source, [change(site, "150")])
    assert appended == source.replace("=true\n", "=true,idle_timeout.timeout_seconds=150\n")
    replaced = yaml_fix.apply(appended.replace("=150", "=60"), [change(site, "150")])
    assert replaced == appended


def test_yaml_new_keys_go_after_the_last_value_of_the_mapping_before_the_comments_that_follow():
    source = text(
        """
        kind: Service
        metadata:
          name: a
          annotations:
            note: |
              several
              lines

            other: x  # trailing
          # about spec
        spec: {}
        """
    )
    result = yaml_fix.apply(source, [change(ANNOTATION._replace(location=at(1, 1)), "150000")])
    assert result == source.replace("    other: x  # trailing\n", '    other: x  # trailing\n    konghq.com/read-timeout: "150000"\n')


def test_yaml_document_goes_right_after_its_object_and_two_edits_in_one_file_apply_together():
    source = "kind: Service\nmetadata:\n  name: a\n  namespace: shop\n---\nkind: Deployment\nmetadata:\n  name: a\n"
    document = Site(
        "yaml",
        "s",
        at(1, 1),
        action="document",
        document=((("kind",), "BackendConfig"), (("metadata", "name"), "a"), (("spec", "timeoutSec"), "{value}")),
    )
    annotation = Site("yaml", "s", at(1, 1), action="put", path=("metadata", "annotations", "x"), entry='{"default": "a"}', quoted=True)
    result = yaml_fix.apply(source, [change(document, "150"), change(annotation, "150")])
    assert result == (
        "kind: Service\nmetadata:\n  name: a\n  namespace: shop\n"
        '  annotations:\n    x: \'{"default": "a"}\'\n'
        "---\nkind: BackendConfig\nmetadata:\n  name: a\nspec:\n  timeoutSec: 150\n"
        "---\nkind: Deployment\nmetadata:\n  name: a\n"
    )


def test_yaml_a_value_that_would_read_as_another_type_is_quoted():
    assert yaml_fix.scalar_text("150", True) == '"150"'
    assert yaml_fix.scalar_text("yes", True) == '"yes"'
    assert yaml_fix.scalar_text("2m30s", True) == "2m30s"
    assert yaml_fix.scalar_text('{"default": "a"}', True) == '\'{"default": "a"}\''
    assert yaml_fix.scalar_text("150", False) == "150"


# -- nginx ----------------------------------------------------------------------------------------


def test_nginx_put_in_a_block_on_one_line_and_in_a_tab_indented_block():
    put = Site("nginx", "nginx", at(1, 1), action="put", path=("proxy_read_timeout",))
    one_line = "location / { proxy_pass http://a:80; }\n"
    assert nginx_fix.apply(one_line, [change(put, "2m30s")]) == "location / { proxy_pass http://a:80; proxy_read_timeout 2m30s; }\n"
    tabs = "server {\n\tlocation / {\n\t\tproxy_pass http://a:80;\n\t\tlocation /x { return 204; }\n\t}\n}\n"
    result = nginx_fix.apply(tabs, [change(put._replace(location=at(2, 2)), "2m30s")])
    assert result == tabs.replace("\t}\n}", "\t\tproxy_read_timeout 2m30s;\n\t}\n}")
    empty = "location / {\n}\n"
    assert nginx_fix.apply(empty, [change(put, "15s")]) == "location / {\n    proxy_read_timeout 15s;\n}\n"


def test_nginx_set_keeps_quotes():
    source = 'location / {\n    proxy_read_timeout "2s";  # quoted\n}\n'
    assert nginx_fix.apply(source, [change(set_site("nginx", "nginx", 2, 5, "2s"), "15s")]) == source.replace('"2s"', '"15s"')


def test_nginx_refuses_a_value_that_is_not_where_the_model_says():
    with pytest.raises(FixError):
        nginx_fix.apply("proxy_read_timeout 3s;\n", [change(set_site("nginx", "nginx", 1, 1, "2s"), "15s")])


# -- HAProxy --------------------------------------------------------------------------------------

BACKEND = Site("haproxy", "haproxy", at(1, 1), action="put", path=("timeout server",))


def test_haproxy_put_goes_after_the_sections_last_statement_and_outside_its_if_blocks():
    source = "backend api\n  server a a:80\n  .if defined(SLOW)\n    timeout connect 5s\n  .endif\n\n# next\nbackend b\n  server b b:80\n"
    result = haproxy_apply(source, [change(BACKEND, "150s")])
    assert result == source.replace("  .endif\n", "  .endif\n  timeout server 150s\n")


def test_haproxy_put_refuses_a_section_that_ends_inside_an_if_block():
    source = "backend api\n  server a a:80\n  .if defined(SLOW)\nbackend b\n  server b b:80\n.endif\n"
    with pytest.raises(FixError, match=r"inside a \.if block"):
        haproxy_apply(source, [change(BACKEND, "150s")])


def test_haproxy_put_at_the_end_of_a_file_without_a_newline():
    assert (
        haproxy_apply("backend api\n    server a a:80", [change(BACKEND, "150s")])
        == "backend api\n    server a a:80\n    timeout server 150s\n"
    )


def test_haproxy_set_refuses_a_quoted_value():
    with pytest.raises(FixError, match="quoted"):
        haproxy_apply('defaults\n  timeout server "30s"\n', [change(set_site("haproxy", "haproxy", 2, 3, "30s"), "150s")])
