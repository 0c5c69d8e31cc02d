"""Walkthroughs as data: what each step of a convolution or a pooling reads, multiplies and adds.

A :class:`Scene` holds the grids of numbers a walkthrough shows (the input, the kernel, the
output), where they sit on a board of square cells, and for every step the window, the cell
being computed, the arithmetic written out and, for a grid too large to number legibly, which
part of it is in view. It knows nothing of Plotly, Pillow or colours: the renderers in
:mod:`convviz.figures.animation` (the page's animation) and :mod:`convviz.gif` (slides) draw it,
so both say the same thing.

Modules: :mod:`~convviz.walkthrough.scene` (the data model), :mod:`~convviz.walkthrough.paging`
(large grids a page at a time), :mod:`~convviz.walkthrough.text`
(how numbers and sums are written), and the builders :mod:`~convviz.walkthrough.conv`,
:mod:`~convviz.walkthrough.pool`, :mod:`~convviz.walkthrough.transpose`, for 1-D
:mod:`~convviz.walkthrough.strip` (a strip per channel) and for 3-D
:mod:`~convviz.walkthrough.volume` (depth slices side by side), each from the engine's step
data (:mod:`convviz.steps`). ``conv_scene_for`` and ``pool_scene_for`` take a layer already
resolved into a :class:`~convviz.geometry.Geometry`; ``conv_scene`` and ``pool_scene`` resolve
plain settings first.

Examples
--------
>>> import numpy as np
>>> s = conv_scene(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3)
>>> len(s.steps), s.steps[0].result
(9, -6.0)
"""

from .conv import conv_scene, conv_scene_for
from .pool import pool_scene, pool_scene_for
from .paging import follow, neighbourhoods
from .scene import Grid, Scene, StepView
from .strip import conv1d_scene
from .transpose import transpose_scene
from .volume import conv3d_scene

__all__ = [
    "Grid", "Scene", "StepView", "conv1d_scene", "conv3d_scene", "conv_scene", "conv_scene_for", "follow",
    "neighbourhoods", "pool_scene", "pool_scene_for", "transpose_scene",
]
