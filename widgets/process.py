"""How the server process collects garbage: cheaply, after every run, for a whole class.

Streamlit can run a full garbage collection after every script run
(``runner.postScriptGC``), to free the figures a run leaves behind (Plotly's objects point
at each other, so only the collector frees them). A full collection walks every object in
the process: the ~115,000 that importing Streamlit, NumPy, pandas and Plotly makes, and all
that thirty sessions and the shared caches hold; under a class's load it was most of the
server's time. So `.streamlit/config.toml` turns it off, and instead:

* the imports are made here, then frozen (:func:`gc.freeze`), so no collection walks them;
  app.py imports this module before anything else, so only the imports are frozen;
* :func:`after_run` collects the young generations, where what a run leaves behind is;
* and a full collection only when the process has grown by :data:`GROWTH` since the last
  one, or :data:`INTERVAL` has passed. A page's run leaves its namespace behind as a cycle
  (its functions point back at it), holding that run's arrays: an image at working size
  2048 is 38 MB, so five uploads in a row held over 1 GB until a full collection.
* Arrays over 4 MB get their own memory mappings (``mallopt``, glibc), so freeing one gives
  the memory back to the system rather than leaving it in the heap for later.
* Work on a large image (decoding an upload, convolving it) runs two at a time
  (:func:`heavy`): five students at working size 2048 each hold a few hundred MB while it runs.

Measured with ``benchmarks/load.py`` (30 students, 60 s, one process): full collections,
p95 11.8 s at 0.242 CPU s per rerun; frozen imports and full collections, p95 5.8 s at 0.164;
frozen imports and young collections, p95 0.39 s at 0.067, peak RSS 569 MB.
"""

import ctypes
import gc
import os
import threading
import time
from contextlib import AbstractContextManager, nullcontext

import pandas  # noqa: F401  (the pages' imports, so that they are among the frozen objects)
import plotly.graph_objects  # noqa: F401
import streamlit  # noqa: F401

import convviz
import convviz.figures.animation
import convviz.figures.playground
import convviz.figures.shapes  # noqa: F401

GROWTH = 64 * 2**20      #: bytes the process may grow by before a full collection
LARGE = 1_500_000        #: pixels from which an image's work waits its turn (1224×1224)
INTERVAL = 60.0          #: seconds between full collections at the most
_M_MMAP_THRESHOLD = -3   # glibc's mallopt parameter


def _resident() -> int:
    """The process's resident memory in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


try:
    ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 4 * 2**20)
except (OSError, AttributeError):   # not glibc: its own allocator decides
    pass
gc.collect()
gc.freeze()
_last_full = {"resident": _resident(), "at": time.monotonic()}
_HEAVY = threading.BoundedSemaphore(2)


def heavy(pixels: int) -> AbstractContextManager:
    """A turn for work on an image of `pixels` pixels: two large ones at a time, small ones at once."""
    return _HEAVY if pixels >= LARGE else nullcontext()


def after_run() -> None:
    """Free what the run just made and left behind, without walking the long-lived objects often."""
    gc.collect(1)
    now, resident = time.monotonic(), _resident()
    if resident > _last_full["resident"] + GROWTH or now - _last_full["at"] > INTERVAL:
        gc.collect()
        _last_full.update(resident=_resident(), at=now)
