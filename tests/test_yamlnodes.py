"""The YAML reader under every parser: ruamel.yaml's C composer, its nodes, and views over them."""

from __future__ import annotations

import pytest
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from timeout_lint import yamlnodes
from timeout_lint.sources import SourceFile
from timeout_lint.yamlnodes import DocContext, Y, YamlSyntaxError, compose_all

TEXT = "a: [b, 'c']\nd: {e: f}\n---\n- g\n"

pytestmark = pytest.mark.skipif(yamlnodes._CLoader is None, reason="the C composer is not installed")


def shape(node):
    if isinstance(node, MappingNode):
        return {k.value: shape(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [shape(item) for item in node.value]
    return (node.value, node.style, node.start_mark.line, node.start_mark.column, node.end_mark.column)


def test_light_nodes_are_ruamel_nodes_with_every_attribute():
    first, second = compose_all(TEXT)
    assert yamlnodes._light is True  # this build composes with the light classes
    assert type(first) is yamlnodes._Mapping and isinstance(first, MappingNode)
    key, value = first.value[0]
    assert isinstance(key, ScalarNode) and isinstance(value, SequenceNode)
    for node in (first, key, value, second):
        assert node.anchor is None and node.comment is None and node.tag.endswith(("map", "str", "seq"))
    assert first.merge is None and value.flow_style is True and first.flow_style is False


def test_light_nodes_compose_what_ruamel_s_own_classes_compose(monkeypatch):
    light = [shape(node) for node in compose_all(TEXT)]
    monkeypatch.setattr(yamlnodes, "_light", False)  # as with a build the check refused
    plain = list(compose_all(TEXT))
    assert type(plain[0]) is MappingNode
    assert [shape(node) for node in plain] == light


def test_the_compiled_module_names_ruamel_s_classes_again_after_composing():
    from ruamel.yaml.cyaml import CBaseLoader

    list(compose_all(TEXT))
    with pytest.raises(YamlSyntaxError):
        list(compose_all("a: [b\n"))
    for name, (original, _) in yamlnodes._NODE_NAMES.items():
        assert getattr(yamlnodes._C_MODULE, name) is original
    loader = CBaseLoader(TEXT)  # another user of the C parser in this process gets ruamel's own nodes
    try:
        assert loader.check_node() and type(loader.get_node()) is MappingNode
    finally:
        loader.dispose()


def test_documents_before_a_syntax_error_are_kept():
    found = []
    with pytest.raises(YamlSyntaxError) as error:
        for node in compose_all("a: 1\n---\nb: [\n"):
            found.append(node)
    assert len(found) == 1 and error.value.line == 4


def test_a_mapping_keeps_its_key_index_and_reports_a_duplicate_key_once():
    (node,) = compose_all("a: 1\nb: 2\na: 3\n")
    ctx = DocContext(SourceFile("/x.yaml", "x.yaml", "a: 1\nb: 2\na: 3\n"))
    view = Y(node, ctx)
    assert view.str_at("a") == "1" and view.get("b").text == "2" and view.str_at("missing") is None
    assert view.str_at("a") == "1"
    assert node.index is view._keys()
    assert [(p.message, p.location.line) for p in ctx.problems] == [
        ('duplicate key "a": YAML forbids it and tools disagree on which value wins', 3)
    ]


def test_merge_keys_are_followed_on_light_and_plain_mappings(monkeypatch):
    text = "base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n"
    for light in (True, False):
        monkeypatch.setattr(yamlnodes, "_light", light)
        (node,) = compose_all(text)
        child = Y(node, DocContext(SourceFile("/m.yaml", "m.yaml", text))).get("child")
        assert (child.str_at("x"), child.str_at("y"), child.get("x").pointer) == ("1", "2", "child.x")
