"""Inline suppressions: the comment scanner per syntax, every form end to end, annotations, and their audit (TL009, TL010)."""

from __future__ import annotations

import pytest

from tests.conftest import codes_at
from timeout_lint.sources import SourceFile
from timeout_lint.suppressions import WHOLE_FILE, scan


def scanned(text: str, syntax: str):
    found, problems = scan(SourceFile("/x", "x", text), syntax)
    return (
        [(s.codes, s.reason, s.location.line, s.location.column, s.first_line, s.last_line, s.form) for s in found],
        [(p.rule, p.location.line, p.message) for p in problems],
    )


# -- the scanner ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ('note: "a # timeout-lint: disable=TL101 -- quoted"', None),
        ("note: 'a # timeout-lint: disable=TL101 -- quoted'", None),
        ("note: 'it''s # timeout-lint: disable=TL101 -- still quoted'", None),
        ('note: "esc \\" # timeout-lint: disable=TL101 -- still quoted"', None),
        ("url: http://x/#timeout-lint: disable=TL101", None),  # no space before #: part of the value
        ("note: 'quoted' # timeout-lint: disable=TL101 -- after the value", 16),
        ("note: don't # timeout-lint: disable=TL101 -- an apostrophe opens nothing", 13),
        ("- [a, 'b # c'] # timeout-lint: disable=TL101 -- flow", 16),
        ("# timeout-lint: disable=TL101 -- own line", 1),
        ("    # timeout-lint: disable=TL101 -- indented", 5),
    ],
)
def test_yaml_comments_not_quoted_strings(line, column):
    found, problems = scanned(line + "\n", "yaml")
    assert problems == []
    assert [f[3] for f in found] == ([column] if column else [])


@pytest.mark.parametrize(
    ("syntax", "line", "column"),
    [
        ("nginx", 'return 200 "# timeout-lint: disable=TL101 -- in a string";', None),
        ("nginx", "return 200 '# timeout-lint: disable=TL101 -- in a string';", None),
        ("nginx", "set $x a#timeout-lint: disable=TL101;", None),  # inside a token: not a comment in nginx
        ("nginx", "proxy_pass http://a;#timeout-lint: disable=TL101 -- r", 21),
        ("nginx", "proxy_read_timeout 2s;  # timeout-lint: disable=TL101 -- r", 25),
        ("haproxy", 'http-request set-header X-Note "# timeout-lint: disable=TL101 -- in a string"', None),
        ("haproxy", "http-request set-header X-Note '# timeout-lint: disable=TL101 -- in a string'", None),
        ("haproxy", "acl a path_beg /x\\# timeout-lint: disable=TL101", None),  # escaped
        ("haproxy", "timeout server 2s # timeout-lint: disable=TL101 -- r", 19),
        ("haproxy", "timeout server 2s#timeout-lint: disable=TL101 -- r", 18),  # haproxy: # anywhere unquoted
        ("go", 's := "// timeout-lint: disable=TL101 -- in a string"', None),
        ("go", "s := `// timeout-lint: disable=TL101 -- raw string`", None),
        ("go", "WriteTimeout: 10 * time.Second, // timeout-lint: disable=TL101 -- r", 33),
    ],
)
def test_comments_of_other_syntaxes(syntax, line, column):
    found, problems = scanned(line + "\n", syntax)
    assert problems == []
    assert [f[3] for f in found] == ([column] if column else [])


def test_what_each_form_covers():
    found, problems = scanned(
        "a: 1  # timeout-lint: disable=TL101 -- trailing: its own line\n"  # 1
        "# timeout-lint: disable=TL102,TL3 -- own line: the next line\n"  # 2
        "b: 2\n"  # 3
        "# timeout-lint: disable=timeout-shorter-than-worst-case -- stacked\n"  # 4
        "# and a longer explanation of why\n"  # 5
        "c: 3\n"  # 6
        "# timeout-lint: disable-file -- everything\n"  # 7
        "# timeout-lint: disable-file=TL0 -- some rules\n"  # 8
        "# timeout-lint: disable=TL101\n",  # 9: nothing below
        "yaml",
    )
    assert problems == []
    assert found == [
        (("TL101",), "trailing: its own line", 1, 7, 1, 1, "comment"),
        (("TL102", "TL3"), "own line: the next line", 2, 1, 2, 3, "comment"),
        (("timeout-shorter-than-worst-case",), "stacked", 4, 1, 4, 6, "comment"),
        ((), "everything", 7, 1, 1, WHOLE_FILE, "file"),
        (("TL0",), "some rules", 8, 1, 1, WHOLE_FILE, "file"),
        (("TL101",), None, 9, 1, 9, 9, "comment"),
    ]


def test_haproxy_forms():
    found, problems = scanned(
        "global\n"  # 1
        "    # timeout-lint: disable-file=TL3 -- no Kong here\n"  # 2
        "defaults\n"  # 3
        "    # timeout-lint: disable=TL101 -- the export backend has its own section\n"  # 4
        "    timeout server 30s\n"  # 5
        "backend export\n"  # 6
        '    http-request set-header X-Why "# timeout-lint: disable=TL102"\n'  # 7
        "    timeout server 10m # timeout-lint: disable=TL102 -- streamed, first byte in 2s\n",  # 8
        "haproxy",
    )
    assert problems == []
    assert found == [
        (("TL3",), "no Kong here", 2, 5, 1, WHOLE_FILE, "file"),
        (("TL101",), "the export backend has its own section", 4, 5, 4, 5, "comment"),
        (("TL102",), "streamed, first byte in 2s", 8, 24, 8, 8, "comment"),
    ]


def test_malformed_directives_are_invalid_configuration():
    found, problems = scanned(
        "# timeout-lint: disabel=TL101\n"
        "# timeout-lint: disable TL101 -- no equals sign\n"
        "# timeout-lint: disable= -- nothing named\n"
        "# timeout-lint: disable=TL999,TL101 -- one unknown\n"
        "# timeout-lint: disable=TL101;TL102 -- wrong separator\n"
        "x: 1\n",
        "yaml",
    )
    assert problems == [
        (
            "invalid-configuration",
            1,
            'unknown timeout-lint directive "disabel=TL101": write "disable=CODES -- reason" or "disable-file -- reason"',
        ),
        (
            "invalid-configuration",
            2,
            'unknown timeout-lint directive "disable TL101": write "disable=CODES -- reason" or "disable-file -- reason"',
        ),
        ("invalid-configuration", 3, '"disable=" names no rule'),
        ("invalid-configuration", 4, "unknown rule code, prefix or name in a suppression: TL999"),
        (
            "invalid-configuration",
            5,
            "'TL101;TL102' is not a rule code, prefix or name (separate several with commas; the reason goes after ' -- ')",
        ),
    ]
    assert [(f[0], f[2]) for f in found] == [(("TL101",), 4)]  # the known code of line 4 still counts


def test_files_without_the_marker_are_not_scanned():
    assert scanned("a: 1 # timeout-lint/worst-case-response: 2m\n", "yaml") == ([], [])


# -- end to end -------------------------------------------------------------------------------------

COMPOSE = "services:\n  app:\n    build: ./app\n    labels:\n      timeout-lint/worst-case-response: 10s\n"


def nginx(read_timeout_line: str, before: str = "") -> dict[str, str]:
    return {
        "docker-compose.yml": COMPOSE,
        "nginx/nginx.conf": f"{before}http {{\n    server {{\n        location / {{\n            proxy_pass http://app:8080;\n"
        f"{read_timeout_line}\n        }}\n    }}\n}}\n",
    }


def summary(report):
    return [(f.code, f.location.file, f.location.line, f.suppressed, f.suppression_reason) for f in report.findings]


def test_nginx_unsuppressed_baseline(tree):
    report = tree(nginx("            proxy_read_timeout 2s;"))
    assert codes_at(report) == [("TL101", "nginx/nginx.conf", 5)]
    assert report.failed


@pytest.mark.parametrize(
    "files",
    [
        nginx("            proxy_read_timeout 2s;  # timeout-lint: disable=TL101 -- streams, see ADR-12"),
        nginx("            # timeout-lint: disable=TL1 -- streams, see ADR-12\n            proxy_read_timeout 2s;"),
        nginx(
            "            # timeout-lint: disable=timeout-shorter-than-worst-case -- streams, see ADR-12\n            proxy_read_timeout 2s;"
        ),
        nginx("            proxy_read_timeout 2s;", before="# timeout-lint: disable-file=TL101 -- streams, see ADR-12\n"),
        nginx("            proxy_read_timeout 2s;", before="# timeout-lint: disable-file -- streams, see ADR-12\n"),
    ],
    ids=["trailing", "line-above-prefix", "line-above-name", "file-codes", "file-all"],
)
def test_every_comment_form_silences_nginx(tree, files):
    report = tree(files, show_suppressed=True)
    ((code, _, _, suppressed, reason),) = summary(report)
    assert (code, suppressed, reason) == ("TL101", True, "streams, see ADR-12")
    assert report.suppressed == 1 and not report.failed
    hidden = tree(files)
    assert hidden.findings == () and hidden.suppressed == 1


def test_a_suppression_two_lines_up_or_of_another_rule_does_not_silence(tree):
    report = tree(nginx("            # timeout-lint: disable=TL101 -- too far\n\n            proxy_read_timeout 2s;"))
    assert [(f.code, f.location.line) for f in report.findings] == [("TL009", 5), ("TL101", 7)]
    report = tree(nginx("            proxy_read_timeout 2s;  # timeout-lint: disable=TL102 -- wrong rule"))
    assert [(f.code, f.location.line, f.suppressed) for f in report.findings] == [("TL101", 5, False), ("TL009", 5, False)]


def test_suppression_in_an_included_nginx_file(tree):
    files = {
        "docker-compose.yml": COMPOSE,
        "nginx/nginx.conf": "http {\n    include timeouts.conf;\n    server { location / { proxy_pass http://app:8080; } }\n}\n",
        "nginx/timeouts.conf": "# timeout-lint: disable=TL101 -- the CDN retries\nproxy_read_timeout 2s;\n",
    }
    report = tree(files, show_suppressed=True)
    assert summary(report) == [("TL101", "nginx/timeouts.conf", 2, True, "the CDN retries")]


KONG = {
    "k8s/ingress.yaml": """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: reports, namespace: shop}
        spec:
          ingressClassName: kong
          defaultBackend: {service: {name: export-api, port: {number: 80}}}
        """,
}


def service(annotations: str = "", before_kind: str = "", kind_suffix: str = "") -> str:
    return (
        "apiVersion: v1\n"
        f"{before_kind}kind: Service{kind_suffix}\n"
        "metadata:\n"
        "  name: export-api\n"
        "  namespace: shop\n"
        "  annotations:\n"
        '    timeout-lint/worst-case-response: "2m"\n'
        f"{annotations}"
        "spec:\n"
        "  ports:\n"
        "    - port: 80\n"
    )


def test_yaml_comment_forms_on_a_kubernetes_object(tree):
    assert codes_at(tree({**KONG, "k8s/svc.yaml": service()})) == [("TL102", "k8s/svc.yaml", 2)]
    for text in (
        service(before_kind="# timeout-lint: disable=TL102 -- async export lands in Q3\n"),
        service(kind_suffix="  # timeout-lint: disable=TL102 -- async export lands in Q3"),
        "# timeout-lint: disable-file=TL102 -- async export lands in Q3\n" + service(),
        service() + "# timeout-lint: disable-file -- async export lands in Q3\n",  # anywhere in the file
    ):
        report = tree({**KONG, "k8s/svc.yaml": text}, show_suppressed=True)
        assert [(f.code, f.suppressed, f.suppression_reason) for f in report.findings] == [("TL102", True, "async export lands in Q3")]


def test_annotation_silences_findings_anywhere_in_its_object(tree):
    annotated = service('    timeout-lint/disable: "TL102: async export lands in Q3"\n')
    report = tree({**KONG, "k8s/svc.yaml": annotated}, show_suppressed=True)
    assert summary(report) == [("TL102", "k8s/svc.yaml", 2, True, "async export lands in Q3")]
    # the same annotation on another object (the Ingress) covers only the Ingress's lines
    ingress = KONG["k8s/ingress.yaml"].replace(
        "metadata: {name: reports, namespace: shop}",
        'metadata:\n          name: reports\n          namespace: shop\n          annotations: {timeout-lint/disable: "TL102: not here"}',
    )
    report = tree({"k8s/ingress.yaml": ingress, "k8s/svc.yaml": service()})
    assert [(f.code, f.location.file, f.suppressed) for f in report.findings] == [
        ("TL009", "k8s/ingress.yaml", False),
        ("TL102", "k8s/svc.yaml", False),
    ]


def test_annotation_with_several_entries_covers_only_its_own_document(tree):
    other = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations: {timeout-lint/disable: "TL102: wrong object"}\n---\n'
    annotated = service(
        "    timeout-lint/disable: |\n      TL102: async export lands in Q3\n      TL101: no explicit timeout here yet\n      TL3\n"
    )
    report = tree({**KONG, "k8s/svc.yaml": other + annotated}, show_suppressed=True)
    assert [(f.code, f.location.line, f.suppressed, f.message.split(";")[0]) for f in report.findings] == [
        ("TL009", 5, False, 'annotation "timeout-lint/disable: TL102" silences nothing'),
        (
            "TL102",
            8,
            True,
            "Kong read_timeout is not set and its default 60s (idle timeout between reads) is shorter than the worst case 2m of Service shop/export-api",
        ),
        ("TL009", 14, False, 'annotation "timeout-lint/disable: TL101" silences nothing'),
        ("TL009", 14, False, 'annotation "timeout-lint/disable: TL3" silences nothing'),
        ("TL010", 14, False, 'annotation "timeout-lint/disable: TL3" gives no reason'),
    ]


def test_annotation_separated_by_semicolons_and_bad_entries(tree):
    annotated = service('    timeout-lint/disable: "TL102: async export; TL999: nope; : no code"\n')
    report = tree({**KONG, "k8s/svc.yaml": annotated}, show_suppressed=True)
    assert [(f.code, f.location.line, f.suppressed, f.message) for f in report.findings] == [
        ("TL102", 2, True, report.findings[0].message),
        ("TL004", 8, False, '"timeout-lint/disable": ": no code" does not start with rule codes: write "TL101: reason"'),
        ("TL004", 8, False, '"timeout-lint/disable": unknown rule code, prefix or name: TL999'),
    ]


def test_object_line_span_is_recorded(tmp_path):
    from timeout_lint.config import ProjectConfig
    from timeout_lint.parse import Inventory
    from timeout_lint.parsers.kubernetes import read_object
    from timeout_lint.yamlnodes import DocContext, Y, compose_all

    text = "# header\n---\n" + service() + "\n# trailing comment\n---\n" + service().replace("export-api", "b")
    source = SourceFile("/x", "x.yaml", text)
    inventory = Inventory(config=ProjectConfig())
    ctx = DocContext(source)
    for node in compose_all(text):
        read_object(Y(node, ctx), inventory.kubernetes, [])
    assert [(s.meta.first_line, s.meta.last_line) for s in inventory.kubernetes.services] == [(3, 12), (16, 25)]


def test_unused_and_reasonless_suppressions_are_reported(tree):
    report = tree(nginx("            proxy_read_timeout 30s;  # timeout-lint: disable=TL101,TL102"))
    assert [(f.code, f.location.line, f.location.column, f.message) for f in report.findings] == [
        ("TL009", 5, 38, 'suppression "disable=TL101,TL102" silences nothing; remove it'),
        ("TL010", 5, 38, 'suppression "disable=TL101,TL102" gives no reason; add " -- why" after the codes'),
    ]
    assert not report.failed  # warnings


def test_partly_used_suppression_names_the_unused_codes(tree):
    report = tree(nginx("            proxy_read_timeout 2s;  # timeout-lint: disable=TL101,TL3 -- streams"))
    assert [(f.code, f.message) for f in report.findings] == [
        ("TL009", 'TL3 in suppression "disable=TL101,TL3" silences nothing; remove TL3 from it'),
    ]


def test_suppression_of_a_rule_that_is_not_enabled(tree):
    files = {
        **nginx("            proxy_read_timeout 2s;  # timeout-lint: disable=TL101 -- streams"),
        ".timeout-lint.yaml": "ignore: [TL101]\n",
    }
    report = tree(files)
    assert [(f.code, f.message) for f in report.findings] == [
        ("TL009", 'suppression "disable=TL101" silences nothing (TL101 is not enabled); remove it'),
    ]


def test_per_file_ignores_make_a_suppression_unused(tree):
    files = {
        **nginx("            proxy_read_timeout 2s;  # timeout-lint: disable=TL101 -- streams"),
        ".timeout-lint.yaml": 'per-file-ignores:\n  "nginx/*.conf": [TL101]\n',
    }
    assert [f.code for f in tree(files).findings] == ["TL009"]


def test_meta_rules_can_be_switched_off_or_suppressed(tree):
    files = nginx("            proxy_read_timeout 30s;  # timeout-lint: disable=TL101")
    assert tree({**files, ".timeout-lint.yaml": "ignore: [TL009, TL010]\n"}).findings == ()
    files = nginx("            proxy_read_timeout 30s;", before="# timeout-lint: disable-file=TL009 -- migrating\n")
    report = tree(files, show_suppressed=True)
    # the file-wide directive is used by the TL009 it silences, so it is not reported itself
    assert report.findings == () and report.suppressed == 0
