"""A layered left-to-right layout for a computational graph (pure Python).

The classic three steps of a layered (Sugiyama) drawing, kept small:

1. Layers: an op node sits one column right of its furthest parent (longest
   path from the leaves); a leaf sits just left of its first consumer, so a
   parameter is drawn beside the op that uses it rather than far away at the
   left edge.
2. An edge that spans several columns gets a dummy point in each column it
   crosses, so it can bend around nodes and take part in the ordering.
3. Order within a column: barycentre sweeps (each node moves to the mean
   position of its neighbours in the column before, then the column after),
   keeping the order with the fewest edge crossings seen.

Coordinates are in abstract units (``x`` = column, ``y`` = row); the view scales them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SWEEPS = 8  # down-and-up passes; small graphs settle in two or three


@dataclass(frozen=True)
class Layout:
    """``positions[node] = (column, row)``; ``paths[(parent, child)]`` the points an edge passes
    through, its two ends included; ``crossings`` the edge crossings of the chosen order."""

    positions: dict[int, tuple[float, float]]
    paths: dict[tuple[int, int], list[tuple[float, float]]]
    columns: int
    rows: int
    crossings: int


def layer_nodes(count: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """The column of each node: longest path for nodes with parents, first consumer − 1 for leaves.

    ``edges`` are (parent, child) pairs and node numbers must be a topological order
    (parents before children), as ``PointGraph`` gives them.
    """
    parents: list[list[int]] = [[] for _ in range(count)]
    children: list[list[int]] = [[] for _ in range(count)]
    for parent, child in edges:
        if not parent < child:
            raise ValueError(f"graph layout: edge {parent} → {child} goes against the node order")
        parents[child].append(parent)
        children[parent].append(child)
    layer = [0] * count
    for node in range(count):
        if parents[node]:
            layer[node] = 1 + max(layer[p] for p in parents[node])
    for node in range(count):
        if not parents[node] and children[node]:
            layer[node] = max(0, min(layer[c] for c in children[node]) - 1)
    return layer


def layout_graph(count: int, edges: Sequence[tuple[int, int]]) -> Layout:
    """Place ``count`` nodes joined by ``edges`` (parent, child) in columns, left to right."""
    layer = layer_nodes(count, edges)
    columns = max(layer, default=-1) + 1
    # Real nodes are 0..count-1; dummies are numbered from count on.
    column_of: list[int] = list(layer)
    links: list[tuple[int, int]] = []
    chains: dict[tuple[int, int], list[int]] = {}
    for parent, child in edges:
        chain = [parent]
        for col in range(layer[parent] + 1, layer[child]):
            column_of.append(col)
            chain.append(len(column_of) - 1)
        chain.append(child)
        chains[(parent, child)] = chain
        links.extend(zip(chain, chain[1:]))
    order: list[list[int]] = [[] for _ in range(columns)]
    for node, col in enumerate(column_of):
        order[col].append(node)
    left: dict[int, list[int]] = {}
    right: dict[int, list[int]] = {}
    for a, b in links:
        right.setdefault(a, []).append(b)
        left.setdefault(b, []).append(a)

    best, best_crossings = [list(col) for col in order], _crossings(order, links, column_of)
    for _ in range(SWEEPS):
        for col in range(1, columns):
            _sort_by_barycentre(order, col, col - 1, left)
        for col in range(columns - 2, -1, -1):
            _sort_by_barycentre(order, col, col + 1, right)
        crossings = _crossings(order, links, column_of)
        if crossings < best_crossings:
            best, best_crossings = [list(c) for c in order], crossings
        if best_crossings == 0:
            break

    rows = max((len(col) for col in best), default=0)
    where: dict[int, tuple[float, float]] = {}
    for col, nodes in enumerate(best):
        offset = (rows - len(nodes)) / 2.0  # centre each column on the tallest
        for rank, node in enumerate(nodes):
            where[node] = (float(col), offset + rank)
    positions = {node: where[node] for node in range(count)}
    paths = {edge: [where[n] for n in chain] for edge, chain in chains.items()}
    return Layout(positions, paths, columns, rows, best_crossings)


def _sort_by_barycentre(order: list[list[int]], col: int, fixed: int, neighbours: dict[int, list[int]]) -> None:
    """Reorder column ``col`` by the mean rank of each node's neighbours in column ``fixed``;
    a node without any keeps its place (ties keep the old order: the sort is stable)."""
    rank = {node: r for r, node in enumerate(order[fixed])}
    keyed = []
    for r, node in enumerate(order[col]):
        ranks = [rank[n] for n in neighbours.get(node, ()) if n in rank]
        keyed.append((sum(ranks) / len(ranks) if ranks else float(r), r, node))
    keyed.sort()
    order[col] = [node for _, _, node in keyed]


def _crossings(order: list[list[int]], links: list[tuple[int, int]], column_of: list[int]) -> int:
    """Pairs of links between the same two columns that cross."""
    rank = {node: r for col in order for r, node in enumerate(col)}
    by_column: dict[int, list[tuple[int, int]]] = {}
    for a, b in links:
        by_column.setdefault(column_of[a], []).append((rank[a], rank[b]))
    total = 0
    for pairs in by_column.values():
        pairs.sort()
        for k, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[k + 1 :]:
                if a2 > a1 and b2 < b1:
                    total += 1
    return total
