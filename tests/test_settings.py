"""Lint settings in the project file (both forms): validation at exact lines, precedence, and their effect on a run."""

from __future__ import annotations

import pytest

from tests.conftest import codes_at, write_tree
from timeout_lint.config import find_project_file, load
from timeout_lint.engine import Selection, run
from timeout_lint.lint import LintOptions, lint
from timeout_lint.model import Severity
from timeout_lint.options import Margin, OptionError, build
from timeout_lint.rules import BY_CODE
from timeout_lint.rules.tl101_timeout_shorter_than_worst_case import Options as TL101Options


def load_text(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    config = load(str(path), name)
    return config, [(p.rule, p.location.line, p.location.column, p.message) for p in config.problems]


VALID_YAML = """\
select: [TL1, TL301]
ignore: [TL102]
extend-select: [unused-suppression]
rules:
  TL101: {severity: warning, margin: 10%}
  default-shorter-than-worst-case:
    margin: 30s
exclude: [legacy, "k8s/old/*.yaml"]
force-exclude: true
per-file-ignores:
  "k8s/*.yaml": [TL102, TL3]
fail-on: warning
"""

VALID_TOML = """\
[project]
name = "shop"

[tool.timeout-lint]
select = ["TL1", "TL301"]
ignore = ["TL102"]
extend-select = ["unused-suppression"]
exclude = ["legacy", "k8s/old/*.yaml"]
force-exclude = true
fail-on = "warning"

[tool.timeout-lint.rules.TL101]
severity = "warning"
margin = "10%"

[tool.timeout-lint.rules.default-shorter-than-worst-case]
margin = "30s"

[tool.timeout-lint.per-file-ignores]
"k8s/*.yaml" = ["TL102", "TL3"]
"""


@pytest.mark.parametrize(("name", "text"), [(".timeout-lint.yaml", VALID_YAML), ("pyproject.toml", VALID_TOML)])
def test_every_setting_is_read_from_either_file(tmp_path, name, text):
    config, found = load_text(tmp_path, name, text)
    assert found == []
    assert config.select == ("TL1", "TL301")
    assert config.ignore == ("TL102",)
    assert config.extend_select == ("unused-suppression",)
    assert config.severities == {"TL101": Severity.WARNING}
    assert config.rule_options["TL101"] == TL101Options(margin=Margin(percent=10.0, raw="10%"))
    assert config.rule_options["TL102"].margin == Margin(seconds=30.0, raw="30s")
    assert config.exclude == ("legacy", "k8s/old/*.yaml")
    assert config.force_exclude is True
    assert config.per_file_ignores == (("k8s/*.yaml", ("TL102", "TL3")),)
    assert config.fail_on is Severity.WARNING
    assert config.root == str(tmp_path)


def test_yaml_errors_are_reported_at_their_value(tmp_path):
    _, found = load_text(
        tmp_path,
        ".timeout-lint.yaml",
        "select: [TL1, TL999]\n"
        "ignore: TL3\n"
        "rules:\n"
        "  TL101:\n"
        "    severity: warning\n"
        "    margin: 10\n"
        "  TL102: {margn: 5s}\n"
        "  timeout-shorter-than-worst-case: {}\n"
        "  TL998: {}\n"
        "  TL301:\n"
        "    severity: fatal\n"
        "exclude: [legacy]\n"
        "force-exclude: yes\n"
        "per-file-ignores:\n"
        '  "k8s/*.yaml": [TL102, nope]\n'
        "fail-on: info\n"
        "colour: red\n",
    )
    assert found == [
        ("invalid-configuration", 1, 15, "select[1]: unknown rule code, prefix or name 'TL999'"),
        ("invalid-configuration", 2, 9, "ignore: must be a list, not 'TL3'"),
        ("invalid-configuration", 6, 13, 'rules.TL101.margin: "10" has no unit: write it as "10s" or "10%"'),
        ("invalid-configuration", 7, 11, "rules.TL102: unknown option 'margn' of TL102 (it takes: severity, margin)"),
        ("invalid-configuration", 8, 3, "rules: TL101 is configured twice (as TL101 and timeout-shorter-than-worst-case)"),
        ("invalid-configuration", 9, 3, "rules: unknown rule 'TL998': use a code (TL101) or a rule name"),
        ("invalid-configuration", 11, 15, "rules.TL301.severity: 'fatal' is not one of ['error', 'warning', 'info']"),
        ("invalid-configuration", 13, 16, "force-exclude: must be true or false, not 'yes'"),
        ("invalid-configuration", 15, 25, "per-file-ignores.k8s/*.yaml[1]: unknown rule code, prefix or name 'nope'"),
        ("invalid-configuration", 16, 10, "fail-on: 'info' is not one of ['error', 'warning']"),
        ("invalid-configuration", 17, 1, "unknown key 'colour'"),
    ]


def test_valid_entries_survive_next_to_bad_ones(tmp_path):
    config, found = load_text(
        tmp_path,
        ".timeout-lint.yaml",
        "select: [TL1, TL999]\nrules:\n  TL101: {margin: 1x}\n  TL102: {margin: 5s}\n  TL998: {}\n",
    )
    assert [line for _, line, _, _ in found] == [1, 3, 5]
    assert config.select == ("TL1",)
    assert "TL101" not in config.rule_options
    assert config.rule_options["TL102"].margin.seconds == 5


def test_pyproject_errors_are_reported_at_the_key_line(tmp_path):
    _, found = load_text(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n'
        "[tool.timeout-lint]\n"
        'select = ["TL1", "TL999"]\n'
        'ignore = "TL3"\n'
        'fail-on = "info"\n'
        "colour = 1\n"
        "\n[tool.timeout-lint.rules.TL101]\n"
        "margin = 10\n"
        "\n[tool.timeout-lint.rules]\n"
        'TL102 = { margn = "5s" }\n'
        "\n[tool.timeout-lint.per-file-ignores]\n"
        '"k8s/*.yaml" = [\n  "TL102",\n  "nope",\n]\n'
        "\n[[tool.timeout-lint.apps]]\n"
        'service = "a"\n'
        'worst-case-response = "120"\n',
    )
    assert found == [
        ("invalid-configuration", 5, 18, "select[1]: unknown rule code, prefix or name 'TL999'"),
        ("invalid-configuration", 6, 10, "ignore: must be a list, not 'TL3'"),
        ("invalid-configuration", 7, 11, "fail-on: 'info' is not one of ['error', 'warning']"),
        ("invalid-configuration", 8, 1, "unknown key 'colour'"),
        ("invalid-configuration", 11, 10, 'rules.TL101.margin: "10" has no unit: write it as "10s" or "10%"'),
        ("invalid-configuration", 14, 11, "rules.TL102: unknown option 'margn' of TL102 (it takes: severity, margin)"),
        ("invalid-configuration", 19, 3, "per-file-ignores.k8s/*.yaml[1]: unknown rule code, prefix or name 'nope'"),
        ("invalid-configuration", 24, 23, 'apps[0].worst-case-response: "120" has no unit: write it as "120s", "120m" or "120ms"'),
    ]


def test_pyproject_apps_are_declarations_with_their_line(tmp_path):
    config, found = load_text(
        tmp_path,
        "pyproject.toml",
        '[tool.timeout-lint]\nkong-ingress-controller = "3.1"\n\n'
        '[[tool.timeout-lint.apps]]\nservice = "a"\nworst-case-response = "2m"\n\n'
        '[[tool.timeout-lint.apps]]\nservice = "b"\nnamespace = "shop"\nworst-case-response = "90s"\nfirst-byte = "5s"\n',
    )
    assert found == []
    assert [(a.service, a.worst_case.total, a.worst_case.location.line) for a in config.apps] == [("a", 120, 6), ("b", 90, 11)]
    assert config.kong_ingress_controller.parts == (3, 1)


def test_broken_toml_is_unparsable_input_at_its_line(tmp_path):
    _, found = load_text(tmp_path, "pyproject.toml", '[tool.timeout-lint]\nselect = ["TL1"\nignore = []\n')
    assert [(rule, line) for rule, line, _, _ in found] == [("unparsable-input", 3)]
    assert found[0][3].startswith("invalid TOML:")


def test_pyproject_without_the_table_configures_nothing(tmp_path):
    config, found = load_text(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert found == [] and config.select is None and config.apps == []


# -- which file -------------------------------------------------------------------------------------


def test_yaml_wins_over_pyproject_in_the_same_directory(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": '[tool.timeout-lint]\nselect = ["TL3"]\n', ".timeout-lint.yaml": "select: [TL1]\n"})
    assert find_project_file([str(tmp_path)], str(tmp_path)) == str(tmp_path / ".timeout-lint.yaml")


def test_pyproject_without_table_is_passed_over(tmp_path):
    write_tree(
        tmp_path,
        {
            "sub/pyproject.toml": '[project]\nname = "timeout-lint-user"\n',
            "pyproject.toml": '[tool.timeout-lint]\nselect = ["TL3"]\n',
        },
    )
    assert find_project_file([str(tmp_path / "sub")], str(tmp_path)) == str(tmp_path / "pyproject.toml")
    write_tree(tmp_path, {"sub/pyproject.toml": '[tool.timeout-lint]\nselect = ["TL1"]\n'})
    assert find_project_file([str(tmp_path / "sub")], str(tmp_path)) == str(tmp_path / "sub" / "pyproject.toml")


def test_broken_pyproject_that_names_the_table_is_reported(tmp_path, tree):
    report = tree({"pyproject.toml": "[tool.timeout-lint]\nselect = [\n"})
    assert codes_at(report) == [("TL001", "pyproject.toml", 3)]


# -- effect on a run --------------------------------------------------------------------------------

SLOW_APP = {
    "docker-compose.yml": "services:\n  app:\n    build: ./app\n    labels:\n      timeout-lint/worst-case-response: 10s\n",
    "nginx/nginx.conf": "http {\n    server {\n        location / {\n            proxy_pass http://app:8080;\n"
    "            proxy_read_timeout 10s;\n        }\n    }\n}\n",
}


def test_margin_makes_an_exact_timeout_fail(tree):
    assert codes_at(tree(SLOW_APP)) == []
    report = tree({**SLOW_APP, ".timeout-lint.yaml": "rules:\n  TL101: {margin: 10%}\n"})
    (finding,) = report.findings
    assert (finding.code, finding.location.line) == ("TL101", 5)
    assert "worst case 10s of compose service app plus the margin 10% (11s)" in finding.message
    assert codes_at(tree({**SLOW_APP, ".timeout-lint.yaml": "rules:\n  TL101: {margin: 0s}\n"})) == []


def test_margin_as_duration_raises_the_advice_of_tl102(tree):
    files = {
        "docker-compose.yml": SLOW_APP["docker-compose.yml"].replace("10s", "45s"),
        "nginx/nginx.conf": "http { server { location / { proxy_pass http://app:8080; } } }\n",
    }
    assert codes_at(tree(files)) == []
    report = tree({**files, "pyproject.toml": '[tool.timeout-lint.rules.TL102]\nmargin = "30s"\n'})
    (finding,) = report.findings
    assert finding.code == "TL102" and "plus the margin 30s (75s); set proxy_read_timeout above 75s" in finding.message


def test_severity_override_and_fail_on(tmp_path):
    write_tree(tmp_path, {**SLOW_APP, ".timeout-lint.yaml": "rules:\n  TL101: {severity: warning, margin: 1s}\n"})
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path)))
    assert [(f.code, f.severity) for f in report.findings] == [("TL101", Severity.WARNING)]
    assert report.fail_on is Severity.ERROR and not report.failed
    write_tree(tmp_path, {".timeout-lint.yaml": "fail-on: warning\nrules:\n  TL101: {severity: warning, margin: 1s}\n"})
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path)))
    assert report.fail_on is Severity.WARNING and report.failed
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path), fail_on=Severity.ERROR))  # the command line wins
    assert not report.failed


def test_file_selection_and_command_line_layers(tmp_path):
    write_tree(tmp_path, {**SLOW_APP, ".timeout-lint.yaml": "select: [TL3]\nrules:\n  TL101: {margin: 1s}\n"})

    def codes(selection: Selection | None = None):
        return [f.code for f in lint(LintOptions(paths=(".",), cwd=str(tmp_path), selection=selection or Selection())).findings]

    assert codes() == []  # the file selects only TL3
    assert codes(Selection(extend_select=("TL101",))) == ["TL101"]  # the command line adds to the file
    assert codes(Selection(select=("TL1",))) == ["TL101"]  # --select replaces the file's select
    write_tree(tmp_path, {".timeout-lint.yaml": "ignore: [TL1]\nrules:\n  TL101: {margin: 1s}\n"})
    assert codes() == []
    assert codes(Selection(select=("timeout-shorter-than-worst-case",))) == ["TL101"]
    assert codes(Selection(extend_select=("TL101",))) == ["TL101"]  # longer selector than the file's TL1
    write_tree(tmp_path, {".timeout-lint.yaml": "extend-select: [TL101]\nignore: [TL1]\nrules:\n  TL101: {margin: 1s}\n"})
    assert codes() == ["TL101"]  # the longest selector wins within a layer
    assert codes(Selection(ignore=("TL101",))) == []


def test_config_errors_are_reported_whatever_is_selected(tmp_path):
    write_tree(tmp_path, {".timeout-lint.yaml": "select: [TL1, TL999]\n"})
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path), selection=Selection(select=("TL3",))))
    assert codes_at(report) == [("TL004", ".timeout-lint.yaml", 1)]


def test_per_file_ignores_by_glob_and_prefix(tree):
    files = {
        "k8s/app.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n"
        '  annotations:\n    timeout-lint/worst-case-response: "10"\n',
        "legacy/app.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: old\n"
        '  annotations:\n    timeout-lint/worst-case-response: "10"\n',
    }
    assert codes_at(tree(files)) == [("TL004", "k8s/app.yaml", 6), ("TL004", "legacy/app.yaml", 6)]
    report = tree({**files, ".timeout-lint.yaml": 'per-file-ignores:\n  "legacy/*.yaml": [TL0]\n'})
    assert codes_at(report) == [("TL004", "k8s/app.yaml", 6)]
    report = tree({**files, ".timeout-lint.yaml": 'per-file-ignores:\n  "app.yaml": [invalid-configuration]\n'})
    assert codes_at(report) == []
    report = tree({**files, ".timeout-lint.yaml": 'per-file-ignores:\n  "**/*.yaml": [TL1]\n'})
    assert len(report.findings) == 2


BROKEN = {"legacy/a.yaml": "kind: [\n", "k8s/old/b.yaml": "kind: [\n", "k8s/c.yaml": "kind: [\n", "k8s/oldish/d.yaml": "kind: [\n"}


def test_exclude_in_discovery(tmp_path):
    write_tree(tmp_path, {**BROKEN, ".timeout-lint.yaml": 'exclude: [legacy, "k8s/old"]\n'})
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path)))
    assert sorted(f.location.file for f in report.findings) == ["k8s/c.yaml", "k8s/oldish/d.yaml"]
    # relative to the project file, not to the working directory
    report = lint(LintOptions(paths=(tmp_path.name,), cwd=str(tmp_path.parent)))
    assert sorted(f.location.file for f in report.findings) == [f"{tmp_path.name}/k8s/c.yaml", f"{tmp_path.name}/k8s/oldish/d.yaml"]
    # --exclude replaces the file's list, relative to the working directory
    report = lint(LintOptions(paths=(".",), cwd=str(tmp_path), exclude=("*.yaml",)))
    assert report.findings == ()
    report = lint(LintOptions(paths=(".", "../legacy"), cwd=str(tmp_path / "k8s"), exclude=("c.yaml", "old")))
    assert sorted(f.location.file for f in report.findings) == ["../legacy/a.yaml", "oldish/d.yaml"]


def test_explicit_files_are_linted_even_when_excluded_unless_forced(tmp_path):
    write_tree(tmp_path, {**BROKEN, ".timeout-lint.yaml": "exclude: [legacy]\n"})
    named = ("legacy/a.yaml", "k8s/c.yaml")
    report = lint(LintOptions(paths=named, cwd=str(tmp_path)))
    assert sorted(f.location.file for f in report.findings) == ["k8s/c.yaml", "legacy/a.yaml"]
    report = lint(LintOptions(paths=named, cwd=str(tmp_path), force_exclude=True))
    assert [f.location.file for f in report.findings] == ["k8s/c.yaml"]
    write_tree(tmp_path, {".timeout-lint.yaml": "exclude: [legacy]\nforce-exclude: true\n"})
    report = lint(LintOptions(paths=named, cwd=str(tmp_path)))
    assert [f.location.file for f in report.findings] == ["k8s/c.yaml"]


# -- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "seconds", "percent"),
    [("30s", 30.0, 0.0), ("1m30s", 90.0, 0.0), ("500ms", 0.5, 0.0), ("10%", 0.0, 10.0), ("2.5%", 0.0, 2.5), (0, 0.0, 0.0), ("0", 0.0, 0.0)],
)
def test_margin_forms(written, seconds, percent):
    margin = Margin.parse(written)
    assert (margin.seconds, margin.percent) == (seconds, percent)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("10", '"10" has no unit: write it as "10s" or "10%"'),
        ("ten", '"ten" is neither a duration ("30s", "1m") nor a percentage ("10%")'),
        (True, 'must be a duration ("30s") or a percentage ("10%"), not a boolean'),
        (["1s"], 'must be a duration ("30s") or a percentage ("10%"), not a list'),
    ],
)
def test_bad_margins(written, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Margin.parse(written)


def test_margin_applied():
    assert Margin.parse("10%").applied_to(60) == pytest.approx(66)
    assert Margin.parse("30s").applied_to(60) == 90
    assert Margin().applied_to(60) == 60 and not Margin()


def test_options_are_built_by_their_types():
    assert build(BY_CODE["TL101"].options, {"margin": "2s"}, "TL101") == TL101Options(Margin(seconds=2.0, raw="2s"))
    assert build(BY_CODE["TL101"].options, {}, "TL101") == TL101Options()
    with pytest.raises(OptionError, match="unknown option 'margn' of TL101"):
        build(BY_CODE["TL101"].options, {"margn": "1s"}, "TL101")
    with pytest.raises(OptionError, match="TL004 takes no options"):
        build(BY_CODE["TL004"].options, {"x": 1}, "TL004")


def test_engine_takes_options_as_mappings_or_instances(tmp_path):
    from timeout_lint.config import ProjectConfig
    from timeout_lint.discover import discover
    from timeout_lint.link import link
    from timeout_lint.parse import ParseOptions, parse_all
    from timeout_lint.paths import enumerate_paths
    from timeout_lint.rules.base import Model

    write_tree(tmp_path, SLOW_APP)
    inventory = parse_all(discover(["."], str(tmp_path)), ProjectConfig(), ParseOptions(str(tmp_path)))
    model = Model(paths=tuple(enumerate_paths(link(inventory)).paths), inventory=inventory, problems=())
    assert run(model) == []
    assert [f.code for f in run(model, options={"TL101": {"margin": "1s"}})] == ["TL101"]
    assert [f.code for f in run(model, options={"TL101": TL101Options(Margin.parse("5%"))})] == ["TL101"]
    with pytest.raises(TypeError):
        run(model, options={"TL101": ("1s",)})


@pytest.mark.parametrize(("fence", "name"), [("yaml", ".timeout-lint.yaml"), ("toml", "pyproject.toml")])
def test_readme_configuration_examples_are_valid(tmp_path, fence, name):
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"```{fence}\n# {name}\n") + len(f"```{fence}\n")
    text = readme[start : readme.index("```", start)]
    config, found = load_text(tmp_path, name, text)
    assert found == []
    assert config.ignore == ("kongingress-proxy-deprecated",) and config.rule_options["TL101"].margin.percent == 10
    assert [a.service for a in config.apps] == ["export-api"]


def test_toml_positions_survive_every_toml_form():
    from timeout_lint.sources import SourceFile
    from timeout_lint.tomlconfig import compose_table
    from timeout_lint.yamlnodes import DocContext, Y

    text = (
        '[project]\ndescription = """\n[tool.timeout-lint]\nnot a table: inside a string\n"""\n'  # 1-5
        "authors = [{name = 'a', email = \"a@b\"}]  # [tool.timeout-lint] in a comment\n"  # 6
        '[tool."timeout-lint"]\n'  # 7
        'select = [ "TL1", # first\n  "TL3" ]\n'  # 8-9
        "rules.TL101.margin = '10%'\n"  # 10
        'per-file-ignores = { "a.b/*.yaml" = ["TL1"], \'c\' = [] }\n'  # 11
        "when = 1979-05-27T07:32:00Z\n"  # 12
        "[[tool.timeout-lint.apps]]\n"  # 13
        'service = "a"\n'  # 14
        "[[tool.timeout-lint.apps]]\n"  # 15
        '  service = "b"  \n'  # 16
    )
    node = compose_table(text)
    root = Y(node, DocContext(SourceFile("/p", "pyproject.toml", text)))

    def at(*path):
        item = root.get(*path)
        return (item.line, item.column)

    assert at("select", 0) == (8, 12) and at("select", 1) == (9, 3)
    assert at("rules", "TL101", "margin") == (10, 22)
    assert root.get("rules", "TL101").key_location("margin").line == 10
    assert at("per-file-ignores", "a.b/*.yaml") == (11, 37) and root.get("per-file-ignores").key_location("c").column == 46
    assert at("apps", 0, "service") == (14, 11) and at("apps", 1, "service") == (16, 13)
    assert root.key_location("when").line == 12


@pytest.mark.parametrize(
    ("text", "configures"),
    [
        ('[tool.timeout-lint]\nselect = ["TL1"]\n', True),
        ('[tool."timeout-lint".rules.TL101]\nmargin = "1s"\n', True),
        ('[[tool.timeout-lint.apps]]\nservice = "a"\nworst-case-response = "1m"\n', True),
        ('tool.timeout-lint.select = ["TL1"]\n', True),
        ('[tool]\ntimeout-lint = { select = ["TL1"] }\n', True),
        ('[project]\nname = "timeout-lint"\n[project.scripts]\ntimeout-lint = "timeout_lint.cli:main"\n', False),
        ("[tool.ruff]\nline-length = 140\n", False),
        ("[ tool . 'timeout-lint' ]  # ours\nselect = []\n", True),
        ('tool = { timeout-lint = { select = ["TL1"] } }\n', True),
        ('[tool.poetry.scripts]\ntimeout-lint = "x"\n[tool.other]\ntimeout-lint.x = 1\n', False),
        # a line like a table header inside an array or a multi-line string does not hide the table
        ('[tool]\nx = [\n  ["project"],\n]\ntimeout-lint = { select = ["TL1"] }\n', True),
        ('[tool]\nx = """\n[project]\n"""\ntimeout-lint = { select = ["TL1"] }\n', True),
    ],
)
def test_which_pyproject_configures_timeout_lint(tmp_path, text, configures):
    from timeout_lint.config import _has_tool_table

    (tmp_path / "pyproject.toml").write_text(text)
    assert _has_tool_table(str(tmp_path / "pyproject.toml")) is configures


@pytest.mark.parametrize(
    "text",
    [
        '[project]\nname = "timeout-lint"\n[project.scripts]\ntimeout-lint = "timeout_lint.cli:main"\n',
        '[project]\ndependencies = [\n  "timeout-lint>=1",\n]\n[tool.ruff]\nline-length = 140\n',
        "[tool.ruff]\nline-length = 140\n",
    ],
)
def test_a_pyproject_that_cannot_configure_timeout_lint_is_not_parsed(tmp_path, text):
    from timeout_lint.config import _may_name_tool_table

    assert not _may_name_tool_table(text)


def test_toml_scanner_places_sub_tables_of_arrays_of_tables():
    from timeout_lint.tomlconfig import _Scanner

    scanner = _Scanner("[[arr]]\n[arr.subtab]\nval=1\n\n[[arr]]\n[arr.subtab]\nval=2\n")
    scanner.document()
    assert {path: place.key.line + 1 for path, place in scanner.places.items() if path[-1] == "val"} == {
        ("arr", 0, "subtab", "val"): 3,
        ("arr", 1, "subtab", "val"): 7,
    }
