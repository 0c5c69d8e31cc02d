"""How the server process collects garbage: cheaply, after every run, for a whole class.

Streamlit can run a full garbage collection after every script run
(``runner.postScriptGC``), to free the figures a run leaves behind (Plotly's objects point
at each other, so only the collector frees them). A full collection walks every object in
the process: the ~100,000 that importing Streamlit, NumPy and Plotly makes, and all that thirty
sessions and the shared caches hold; under a class's load it was most of the server's time.
So `.streamlit/config.toml` turns it off, and instead:

* the imports every page makes are made here, then frozen (:func:`gc.freeze`), so no
  collection walks them; app.py imports this module before anything else, so only the
  imports are frozen. pandas and scipy are left to the pages that use them (a typed kernel,
  the matrix view, sequences, shape arithmetic): the Playground needs neither, and importing
  them took 0.66 s of the first run after a cold start (median cold start 4.72 → 4.20 s,
  side by side). A full collection walks pandas' 33,000 objects in 8 ms more;
* :func:`after_run` collects the young generations, where what a run leaves behind is;
* and a full collection when the run worked on a large image (:func:`works_on`), when the
  process has grown by :data:`GROWTH` since the last one, or when :data:`INTERVAL` has
  passed. A page's run leaves its namespace behind as a cycle (its functions point back at
  it), holding that run's arrays: 20 MB and more at working size 2048, so five students
  there held a few hundred MB between full collections.
* glibc gives each thread that allocates while another does a heap (an arena) of its own, up to
  eight per core, and every session's runs are threads: two heaps are allowed (``M_ARENA_MAX``),
  so what thirty sessions free is not spread over sixteen.
* Arrays over 1 MB get their own memory mappings (``mallopt``, glibc), so freeing one gives
  the memory back to the system rather than leaving it in the heap for later; and every
  :data:`TRIM_EVERY` seconds, and after a run on a large image, the free pages inside the
  heaps go back too (``malloc_trim``): without that they kept about 200 MB they had freed.
* Work on a large image takes its turn, one at a time (:func:`heavy`): decoding an upload (a
  12-megapixel photo for working size 2048 holds about 80 MB while it decodes), and the
  Playground's run on it from before its arrays exist (about 40 MB of them at 2048), so that
  five students dropping photos at once do not each hold theirs while waiting for the others.

Measured with ``benchmarks/load.py`` (30 students, 60 s, one process): full collections,
p95 11.8 s at 0.242 CPU s per rerun; frozen imports and full collections, p95 5.8 s at 0.164;
frozen imports and young collections, p95 0.39 s at 0.067, peak RSS 569 MB. With the fault
tabs (``--faults --seconds 240``: two waves of five 12-megapixel uploads at working size
2048), before the collection after large runs, the trims, the 1 MB mappings and one turn:
peak RSS 938 MB (940 at its high-water mark), 660 MB at the end; with them 632–670 (678–691),
527–569 at the end.
"""

import ctypes
import gc
import os
import threading
import time
from contextlib import AbstractContextManager, nullcontext

import plotly.graph_objects  # noqa: F401
import streamlit  # noqa: F401

import convviz
import convviz.figures.animation
import convviz.figures.playground
import convviz.figures.shapes  # noqa: F401

GROWTH = 64 * 2**20      #: bytes the process may grow by before a full collection
LARGE = 1_500_000        #: pixels from which an image's work waits its turn (1224×1224)
INTERVAL = 60.0          #: seconds between full collections at the most
TRIM_EVERY = 10.0        #: seconds between giving the heap's free pages back, at the most
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8   # glibc's mallopt parameters


def _resident() -> int:
    """The process's resident memory in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


try:
    _LIBC = ctypes.CDLL("libc.so.6")
    _LIBC.mallopt(_M_MMAP_THRESHOLD, 2**20)
    _LIBC.mallopt(_M_ARENA_MAX, 2)   # every session's runs are threads: not a heap of its own for each
except (OSError, AttributeError):   # not glibc: its own allocator decides
    _LIBC = None
gc.collect()
gc.freeze()
# The size at the last full collection, and when that and the last trim were.
_last = {"resident": _resident(), "full": time.monotonic(), "trim": time.monotonic()}
_HEAVY = threading.RLock()   # a run holding the turn may start more heavy work in it
_run = threading.local()   # each session's script runs in a thread of its own


def heavy(pixels: int) -> AbstractContextManager:
    """A turn for work on an image of `pixels` pixels: one large one at a time, small ones at once."""
    return _HEAVY if works_on(pixels) else nullcontext()


def works_on(pixels: int) -> bool:
    """Note that this run works on an image of `pixels` pixels; True when that is large.

    A run on a large image is followed by a full collection (:func:`after_run`): the
    namespace it leaves behind holds its arrays, 20 MB and more at working size 2048.
    """
    large = pixels >= LARGE
    _run.large = getattr(_run, "large", False) or large
    return large


def after_run() -> None:
    """Free what the run just made and left behind, without walking the long-lived objects often."""
    large, _run.large = getattr(_run, "large", False), False
    gc.collect(1)
    now, resident = time.monotonic(), _resident()
    if large or resident > _last["resident"] + GROWTH or now - _last["full"] > INTERVAL:
        gc.collect()
        _last.update(resident=_resident(), full=now)
    if _LIBC is not None and (large or now - _last["trim"] > TRIM_EVERY):
        _LIBC.malloc_trim(0)   # free pages inside the heaps go back, not only those at their tops
        _last["trim"] = now
