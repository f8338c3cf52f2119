"""networkx node-link data with the edges under "edges", on every networkx the project allows (3.2 and later).

networkx 3.4 added the `edges=` keyword (and deprecated `link=`); 3.6 removed `link=`. So the keyword is
chosen by what the installed networkx accepts, read once from its signature. networkx is imported inside
the functions, so importing this module never loads it.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["from_node_link", "node_link"]

EDGES = "edges"  # the key the edge list is written under (interface.md: networkx node-link data)


@functools.cache
def _edges_keyword(function_name: str) -> str:
    """`edges` on networkx >= 3.4, `link` before it: the keyword that names the edge list's key."""
    import networkx as nx

    parameters = inspect.signature(getattr(nx, function_name)).parameters
    return "edges" if "edges" in parameters else "link"


def node_link(graph: nx.Graph) -> dict[str, Any]:
    """`graph` as node-link data, its edges under "edges" (ready for json.dumps)."""
    import networkx as nx

    return dict(nx.node_link_data(graph, **{_edges_keyword("node_link_data"): EDGES}))


def from_node_link(data: dict[str, Any]) -> nx.Graph:
    """The graph of node-link data written by `node_link` (directed and multigraph as the data says)."""
    import networkx as nx

    return nx.node_link_graph(data, **{_edges_keyword("node_link_graph"): EDGES})
