"""Seeded random walks through every page with AppTest. The bar: no exception, ever.

A walk picks any widget the page shows, gives it an edge or a random value and reruns; it also
does what AppTest cannot do itself but a browser does (typing into a grid editor, drawing on a
canvas, clicking the step-by-step chart, Back/Next, downloading). Together the walks click
every button of the app: each notes what it clicked in :data:`CLICKED`, which
:func:`test_the_walks_clicked_every_button` then reads, so the two tests share this file.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from fuzz_harness import PAGES, Trail, act, open_link, record_media_files  # noqa: F401 (autouse: downloads)
from fuzz_inputs import offers

BUTTONS = {  # every st.button of the app; the walks must click each at least once
    "playground": {"playground.kernel.edit", "playground.kernel.reseed", "playground.layer.use_amount",
                   "playground.layer.use_keras"},
    "step_by_step": {"step_by_step.kernel.edit", "step_by_step.kernel.reseed", "step_by_step.input.reseed",
                     "step_by_step.layer.use_amount", "step_by_step.layer.use_keras"},
    "shapes": set(),
    "practice": {"practice.page.new"},
    "volumes": set(),
    "sequences": set(),
}
STARTS = {  # links walk n starts from (the n-th) and jumps to; the first ones show every button between them
    "playground": [{"kernel": "random"}, {"padding": "same", "stride": "2"}, {"image": "draw", "kernel": "drawn"},
                   {"kernel": "custom", "weights": "1,2,3;4,5,6"}, {}, {"image": "upload"},
                   {"pool": "max", "activation": "relu"}, {"per_axis": "1", "colour": "RGB kernel"}],
    "step_by_step": [{"kernel": "random"}, {"grid": "random"}, {"padding": "same", "stride": "2"},
                     {"grid": "image patch", "image": "draw", "kernel": "drawn"}, {}, {"grid": "image patch"},
                     {"operation": "transposed"}, {"operation": "max pool"},
                     {"operation": "avg pool", "padding": "same"},
                     {"kernel": "custom"}, {"operation": "channels"}],
    "shapes": [{"op": "transposed"}, {"dims": "3", "op": "pooling"}, {"dims": "1", "pad_as": "same"}, {},
               {"preset": "MobileNet block"}, {"tab": "stack"}, {"tab": "Layer stack", "preset": "VGG block"}],
    "practice": [{}, {"level": "tricky"}, {"level": "warm-up", "seed": "3"}],
    "volumes": [{"window": "5"}, {"source": "phantom", "kernel": "3-D Gaussian"}, {"source": "upload"},
                {"kernel": "custom"}, {"padding": "valid", "stride": "2"}],
    "sequences": [{"section": "text"}, {"section": "signal"}, {"section": "causal"}, {"section": "walk"}],
}
WALK_SEEDS = {"playground": range(3), "step_by_step": range(3), "shapes": range(2), "practice": range(2),
              "volumes": range(2), "sequences": range(4)}
WALK_STEPS = 32


CLICKED: dict[str, set[str]] = {page: set() for page in PAGES}   # every button a walk has clicked
WALKED: dict[str, set[int]] = {page: set() for page in PAGES}    # the seeds walked in this session


def random_walk(page: str, seed: int) -> None:
    """Click each button the start link shows; then, `WALK_STEPS` times, a random control and its next value.

    Each control goes round its own values (every option, the edges, random ones), so a
    control picked often enough is given all of them.
    """
    WALKED[page].add(seed)
    rng = random.Random(f"{page}-{seed}")
    start = STARTS[page][seed % len(STARTS[page])]
    trail, unknown, turns = Trail(f"walk {page} seed {seed}"), set(), Counter()
    at = open_link(None, page, start, trail)
    buttons = [a for c in offers(rng, at, page, unknown).values() for a in c if a.button]
    for n, action in enumerate(buttons):  # first each button the link shows, from the link each time
        if n:
            open_link(at, page, start, trail)
        CLICKED[page].add(action.button)
        act(at, action, trail)
    for _ in range(WALK_STEPS):
        if rng.random() < 0.08:  # follow a link into the page mid-session
            open_link(at, page, rng.choice(STARTS[page]), trail)
            continue
        offered = offers(rng, at, page, unknown)
        if not offered:
            break
        control = rng.choice(sorted(offered))
        action = offered[control][turns[control] % len(offered[control])]
        turns[control] += 1
        if action.button:
            CLICKED[page].add(action.button)
        act(at, action, trail)
    trail.done()
    assert not unknown, f"the walk cannot drive these widgets yet: {sorted(unknown)}"


@pytest.mark.parametrize("page, seed", [(p, s) for p, seeds in WALK_SEEDS.items() for s in seeds])
def test_random_walk(page, seed):
    random_walk(page, seed)


@pytest.mark.parametrize("page", PAGES)
def test_the_walks_clicked_every_button(page):
    for seed in set(WALK_SEEDS[page]) - WALKED[page]:   # walks left out of this session (by -k, say)
        random_walk(page, seed)
    assert CLICKED[page] >= BUTTONS[page], f"never clicked: {sorted(BUTTONS[page] - CLICKED[page])}"
