"""A grid too large to number legibly, shown a page at a time: where each page starts, and how large.

A builder asks :func:`neighbourhoods` for the views of its input and output that fit the board
a renderer can number (:func:`convviz.figures.animation.legible_fit`), then :func:`follow` for
where each step's page starts; the scene records both (:attr:`~convviz.walkthrough.scene.Grid.view`,
:attr:`~convviz.walkthrough.scene.StepView.origins`).

Examples
--------
>>> follow(7, 3, 12, 6)     # a 3-cell window from cell 7, in 6 of 12 cells: the page from 4
4
"""

from __future__ import annotations

from collections.abc import Callable


def follow(start: int, extent: int, length: int, view: int) -> int:
    """Where a `view` of a `length`-long axis starts so that cells ``start … start + extent − 1`` show.

    The view turns like a page: it stays put while the window moves through it and jumps
    when the window would leave it, so the numbers stand still under a moving window.

    >>> [follow(s, 3, 12, 6) for s in range(10)]
    [0, 0, 0, 0, 4, 4, 4, 4, 6, 6]
    """
    if view >= length:
        return 0
    turn = max(view - extent + 1, 1)
    return int(min(start // turn * turn, length - view))


def neighbourhoods(
    fit: tuple[int, int] | None, read: tuple[int, int], made: tuple[int, int], reach: tuple[int, int],
    stride: tuple[int, int], board: Callable[[tuple[int, int], tuple[int, int]], tuple[int, int]],
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The largest views of an input (`read` rows, cols) and its output (`made`) that fit in `fit`.

    A page of ``n × n`` outputs and exactly the input their windows read (a window spans
    `reach` cells and moves by `stride`), so the two turn together. `board` gives the board's
    rows and columns for grids of those sizes. When not even two outputs a side fit the
    rows, the rows are let go for two outputs a side: a taller figure beats numbers too
    small to read, and the smallest page keeps it as short as it can be.
    ``(None, None)`` when everything fits whole.

    >>> neighbourhoods((9, 20), (32, 32), (30, 30), (3, 3), (1, 1), lambda a, b: (max(a[0], b[0]), a[1] + b[1] + 5))
    ((8, 8), (6, 6))
    """
    if fit is None:
        return None, None

    def views(n: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        out = tuple(min(m, n) for m in made)
        return tuple(min(p, (m - 1) * s + r) for p, m, s, r in zip(read, out, stride, reach)), out

    sizes = range(max(made), 0, -1)
    fitting = [n for n in sizes if all(b <= f for b, f in zip(board(*views(n)), fit))]
    if not fitting or fitting[0] < min(2, max(made)):
        wide = [n for n in sizes if board(*views(n))[1] <= fit[1]]
        fitting = [min([n for n in wide if n >= 2] or wide or [1])]
    seen, out = views(fitting[0])
    return (None, None) if out == made else (seen, out)
