"""Node-link JSON with the edges under "edges" on every networkx pyproject allows (3.2 and later)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import networkx as nx
from conftest import EXAMPLES, ROOT

from branda.cli import cli
from branda.expert.nx_compat import _edges_keyword, from_node_link, node_link


def _installed() -> tuple[int, int]:
    major, minor = version("networkx").split(".")[:2]
    return int(major), int(minor)


def test_the_keyword_is_the_one_the_installed_networkx_has():
    expected = "edges" if _installed() >= (3, 4) else "link"
    assert _edges_keyword("node_link_data") == _edges_keyword("node_link_graph") == expected


def test_a_graph_round_trips_with_its_edges_under_edges():
    g = nx.DiGraph(level=2, lang="en")
    g.add_node("fact:a", kind="fact", value=None)
    g.add_node(3, level=3)
    g.add_edge("fact:a", 3, label=">= 4", unmet=True)
    data = node_link(g)
    assert "edges" in data and "links" not in data
    assert data["edges"] == [{"source": "fact:a", "target": 3, "label": ">= 4", "unmet": True}]
    back = from_node_link(json.loads(json.dumps(data)))
    assert back.is_directed() and not back.is_multigraph() and back.graph == {"level": 2, "lang": "en"}
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert list(back.edges(data=True)) == list(g.edges(data=True))


def test_why_and_graph_json_read_back_through_the_helper(runner):
    why = runner.invoke(cli, ["why", str(EXAMPLES / "bank_level3.toml"), "--format", "graph-json"])
    assert why.exit_code == 0, why.output
    provenance = from_node_link(json.loads(why.output))
    assert provenance.is_directed() and provenance.graph["level"] == 3 and provenance.number_of_edges() > 0
    graph = runner.invoke(cli, ["graph", "--format", "json"])
    assert graph.exit_code == 0, graph.output
    assert sorted(from_node_link(json.loads(graph.output)).nodes) == [1, 2, 3, 4, 5]


def test_importing_the_helper_does_not_load_networkx():
    code = "import sys, expert.nx_compat; print('networkx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
