"""Tests for widgets.process: which runs are followed by a full collection."""

from __future__ import annotations

import gc
from collections.abc import Callable

from widgets import process


def full_collections_during(action: Callable[[], None]) -> int:
    """How many full collections `action` set off."""
    seen = []

    def note(phase: str, info: dict) -> None:
        seen.append(phase == "start" and info["generation"] == 2)

    gc.callbacks.append(note)
    try:
        action()
    finally:
        gc.callbacks.remove(note)
    return sum(seen)


def test_a_run_on_a_large_image_is_followed_by_a_full_collection() -> None:
    assert process.works_on(process.LARGE)
    assert full_collections_during(process.after_run) == 1


def test_small_images_are_not_large() -> None:
    assert not process.works_on(process.LARGE - 1)
    with process.heavy(process.LARGE - 1), process.heavy(process.LARGE - 1):  # no turn to wait for
        pass

