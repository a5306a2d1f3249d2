"""prescan: a document passed over uncomposed is exactly one composing would have read for nothing.

Every document the prescan passes over is composed here after all and checked: an object of the kind
the text said, of a kind nothing reads, on which read_object reads nothing, reports nothing and finds
no suppression; every other document composes to the same nodes at the same lines and columns. This
runs over the shared corpus, the fixtures, hand-written traps and generated texts.
"""

from __future__ import annotations

import ast
import inspect
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tests.test_properties  # noqa: F401 - registers and loads the hypothesis profiles
from tests.conftest import FIXTURES, SHARED
from timeout_lint import prescan
from timeout_lint.config import ProjectConfig
from timeout_lint.parse import Inventory, read_kubernetes
from timeout_lint.parsers import kubernetes
from timeout_lint.parsers.kubernetes import KubernetesObjects, read_object, reads_kind
from timeout_lint.sources import SourceFile
from timeout_lint.yamlnodes import DocContext, MappingNode, ScalarNode, SequenceNode, Y, YamlSyntaxError, compose_all


def shape(node, seen=None):
    """A node tree as plain data, positions by line and column (offsets move when documents are blanked)."""
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, ScalarNode):
        return ("scalar", node.value, node.style, where)
    if isinstance(node, SequenceNode):
        return ("seq", where, tuple(shape(item, seen) for item in node.value))
    assert isinstance(node, MappingNode)
    return ("map", where, tuple((shape(k, seen), shape(v, seen)) for k, v in node.value))


def check_plan(text: str) -> int:
    """Assert that the plan for ``text`` is right; how many documents it passes over."""
    found = prescan.plan(text, reads_kind)
    if found is None:
        return 0
    try:
        planned = list(compose_all(found.text))
    except YamlSyntaxError:
        return 0  # read_documents then composes the text as written, and reports the error from there
    original = list(compose_all(text))  # the documents passed over parse, so the error-free plan means an error-free text
    assert len(original) == len(planned) == found.documents
    for index, (node, planned_node) in enumerate(zip(original, planned, strict=True)):
        if index not in found.skipped:
            assert shape(node) == shape(planned_node)
            continue
        skipped = found.skipped[index]
        context = DocContext(SourceFile("/x/m.yaml", "m.yaml", text))
        doc = Y(node, context)
        assert doc.is_map and (doc.str_at("kind"), doc.str_at("apiVersion")) == (skipped.kind, skipped.api_version)
        assert not reads_kind(skipped.kind)
        objects, problems = KubernetesObjects(), []
        read_object(doc, objects, problems)
        assert objects == KubernetesObjects() and problems == [] and context.problems == []
        assert planned_node.value == "" and isinstance(planned_node, ScalarNode)
    return len(found.skipped)


def yaml_files(root):
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")):
                try:
                    with open(os.path.join(directory, name), encoding="utf-8") as handle:
                        yield handle.read()
                except (OSError, UnicodeDecodeError):
                    continue


@pytest.fixture(autouse=True)
def every_document_is_worth_a_look(monkeypatch):
    """Short documents are composed for speed (prescan.WORTH_SKIPPING); here every one is looked at."""
    monkeypatch.setattr(prescan, "WORTH_SKIPPING", 0)


def test_every_document_passed_over_in_the_fixtures_is_one_nothing_reads():
    for text in yaml_files(FIXTURES):
        check_plan(text)


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus is not beside this clone")
def test_every_document_passed_over_in_the_corpus_is_one_nothing_reads():
    # about a third of the corpus's objects are of kinds nothing reads (Secrets, RBAC, CRDs of other systems ...)
    assert sum(check_plan(text) for text in yaml_files(SHARED / "corpus")) > 1500


def read(text: str, use_prescan: bool, monkeypatch=None) -> tuple:
    """read_kubernetes's whole effect on an Inventory, with or without the prescan."""
    inventory = Inventory(config=ProjectConfig())
    original = prescan.plan
    if not use_prescan:
        prescan.plan = lambda text, reads_kind: None
    try:
        count = read_kubernetes(SourceFile("/x/m.yaml", "m.yaml", text), inventory)
    finally:
        prescan.plan = original
    objects = inventory.kubernetes
    custom = {kind: [meta for meta, _ in documents] for kind, documents in objects.custom.items()}
    rest = (objects.ingresses, objects.services, objects.workloads, objects.ingress_classes, objects.config_maps, objects.suppressions)
    return count, inventory.problems, custom, rest


SERVICE_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n"
SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    timeout-lint/worst-case-response: "2m"\nspec:\n  ports: [{port: 80}]\n'


@pytest.mark.parametrize(
    ("text", "passed_over"),
    [
        (SERVICE_ACCOUNT, 1),
        (f"{SERVICE_ACCOUNT}---\n{SERVICE}---\n{SERVICE_ACCOUNT}", 2),
        # a block scalar holding `---` and `kind:` lines: they are indented, so neither a marker nor a key
        ("apiVersion: v1\nkind: Secret\nstringData:\n  a: |\n    ---\n    kind: Service\n---\n" + SERVICE, 1),
        # compact sequences at column 0 belong to the key above them
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n- kind: ServiceAccount\n  name: app\n", 1),
        ("# leading comment\n---\n" + SERVICE_ACCOUNT, 1),
        # traps: each leaves the document to the composer
        ("apiVersion: v1\nnote: 'one\nkind: ServiceAccount'\n", 0),  # a quoted scalar over two lines, no real kind
        ('apiVersion: v1\nnote: "one\nkind: ServiceAccount"\nkind: Secret\n', 0),
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n", 0),  # duplicate key: reported
        ("apiVersion: v1\nkind: ServiceAccount\nkind: Secret\n", 0),
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    a: x\n    a: y\n", 0),
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    timeout-lint/disable: TL101 legacy\n", 0),
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata: &m\n  name: a\nother: *m\n", 0),
        ("apiVersion: v1\nkind: Service\n  Account\n", 0),  # a plain scalar over two lines
        ("apiVersion: v1\nkind: ServiceAccountList\nitems: []\n", 0),  # Lists are unpacked
        ("apiVersion: v1\nkind: null\n", 0),
        ("apiVersion: v1\nkind: ServiceAccount\n", 1),
        ("%YAML 1.2\n---\n" + SERVICE_ACCOUNT, 0),
        (SERVICE_ACCOUNT + "...\n---\n" + SERVICE, 0),
        (SERVICE_ACCOUNT.replace("\n", "\r\n"), 0),
        ("--- !tagged\n" + SERVICE_ACCOUNT, 0),
        ("  apiVersion: v1\n  kind: ServiceAccount\n", 0),
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n broken: [\n", 0),  # a syntax error is reported as before
        (SERVICE_ACCOUNT + "---\nkind: Service\n  bad: indentation\n", 0),  # an error after it: the text is composed as written
    ],
)
def test_traps_and_plain_cases(text, passed_over):
    assert check_plan(text) == passed_over
    assert read(text, True) == read(text, False)


LINES = st.sampled_from(
    [
        "---",
        "--- # c",
        "...",
        "apiVersion: v1",
        "apiVersion: networking.k8s.io/v1",
        "kind: ServiceAccount",
        "kind: Secret",
        "kind: Service",
        "kind: ConfigMap",
        "kind: KongIngress",
        "kind: Ingress",
        "kind: null",
        "kind:",
        "metadata:",
        "metadata: {name: x}",
        "  name: a",
        "  name: b",
        "  namespace: shop",
        "  labels:",
        "  annotations:",
        "    a: '1'",
        '    a: "2"',
        "    b: x",
        "    timeout-lint/disable: TL101 legacy",
        "    timeout-lint/worst-case-response: 2m",
        '  note: "multi',
        "kind: Role'",
        "note: 'multi",
        "data: |",
        "  ---",
        "  kind: Service",
        "- item",
        "- kind: ServiceAccount",
        "  - x",
        "x: [a,",
        "  b]",
        "# comment",
        "",
        "items:",
        "%YAML 1.2",
        "key: &anchor v",
        "other: *anchor",
        " kind: Indented",
        "  continued",
        "spec:",
        "  a: b",
        "  a: c",
        "\tkind: tab",
    ]
)


BASE = (
    SERVICE_ACCOUNT
    + "---\n"
    + SERVICE
    + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    a: '1'\n    b: x\ntype: Opaque\n"
    + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n- kind: ServiceAccount\n  name: app\n"
).split("\n")


@st.composite
def mutated(draw) -> str:
    """A text of objects that are passed over and one that is not, with a few lines inserted, removed or repeated."""
    lines = list(BASE)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["insert", "remove", "repeat"]))
        if action == "insert":
            lines.insert(at, draw(LINES))
        elif lines and at < len(lines):
            lines[at : at + 1] = [lines[at], lines[at]] if action == "repeat" else []
    return "\n".join(lines)


@given(st.lists(LINES, min_size=1, max_size=14), st.booleans())
def test_generated_texts_read_the_same_with_and_without_the_prescan(lines, final_break):
    text = "\n".join(lines) + ("\n" if final_break else "")
    assert read(text, True) == read(text, False)
    check_plan(text)


@given(mutated())
def test_mutated_manifests_read_the_same_with_and_without_the_prescan(text):
    assert read(text, True) == read(text, False)
    check_plan(text)


def test_every_kind_read_object_dispatches_on_is_read():
    """A kind read_object reads must never be passed over: each string it compares ``kind`` with
    (``kind == "X"``, ``kind in ...``) is accepted by reads_kind."""
    tree = ast.parse(inspect.getsource(kubernetes.read_object))
    compared = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "kind":
            for right in node.comparators:
                if isinstance(right, ast.Constant) and isinstance(right.value, str):
                    compared.add(right.value)
                elif isinstance(right, ast.Name):
                    compared.update(getattr(kubernetes, right.id))
    assert compared >= {"Ingress", "Service", "IngressClass", "ConfigMap", "Deployment"}
    assert all(reads_kind(kind) for kind in compared)
    assert all(reads_kind(key.rpartition("/")[2]) for key in kubernetes.CUSTOM_RESOURCES)
    assert all(reads_kind(kind) for kind in kubernetes.KNOWN_VERSIONS)
