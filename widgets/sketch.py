"""A small drawing canvas: sketch with the mouse, a finger or a pen; get the picture back.

Written as an inline Streamlit component (HTML, CSS and a few lines of JavaScript), so no
build step and no extra package. The drawing comes back as a PNG data URL on every
stroke's end; :func:`sketch` decodes it to an RGBA array.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import streamlit as st
from PIL import Image

_HTML = """
<div class="sketch">
  <canvas width="280" height="280"></canvas>
  <div class="bar">
    <label>Brush <input type="range" min="4" max="40" value="18"></label>
    <button type="button">Clear</button>
  </div>
</div>
"""

_CSS = """
.sketch { display: flex; width: 100%; max-width: 280px; flex-direction: column; gap: .5rem;
          font-family: var(--st-font); color: var(--st-text-color); }
canvas { border: 2px solid #c5c9d3; border-radius: .5rem; touch-action: none; cursor: crosshair;
         width: 100%; max-width: 280px; aspect-ratio: 1; }
.bar { display: flex; gap: 1rem; align-items: center; font-size: .95rem; }
button { font: inherit; color: inherit; padding: .3rem .9rem; border-radius: .4rem; border: 1px solid #c5c9d3;
         background: white; cursor: pointer; }
"""

_JS = """
export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const canvas = parentElement.querySelector("canvas");
  const brush = parentElement.querySelector("input");
  const clear = parentElement.querySelector("button");
  const ctx = canvas.getContext("2d");
  const ink = data.ink, paper = data.paper;
  const blank = () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (paper) { ctx.fillStyle = paper; ctx.fillRect(0, 0, canvas.width, canvas.height); }
  };
  if (!canvas.dataset.ready) { blank(); canvas.dataset.ready = "1"; }
  let last = null;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  canvas.onpointerdown = (e) => { canvas.setPointerCapture(e.pointerId); last = at(e); canvas.onpointermove(e); };
  canvas.onpointermove = (e) => {
    if (!last) return;
    const p = at(e);
    ctx.strokeStyle = ink; ctx.lineWidth = Number(brush.value); ctx.lineCap = "round"; ctx.lineJoin = "round";
    ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
    last = p;
  };
  canvas.onpointerup = () => { if (last) { last = null; setStateValue("png", canvas.toDataURL("image/png")); } };
  clear.onclick = () => { blank(); setStateValue("png", null); };
}
"""

_canvas = st.components.v2.component("convviz_sketch", html=_HTML, css=_CSS, js=_JS)


def sketch(key: str, ink: str = "white", paper: str | None = "black") -> np.ndarray | None:
    """Show a canvas; return the drawing as an RGBA uint8 array (280×280), or None if empty.

    ``paper=None`` keeps the background transparent, so the alpha channel is the ink.
    """
    result = _canvas(key=key, data={"ink": ink, "paper": paper}, on_png_change=lambda: None)
    url = getattr(result, "png", None)
    if not url or "," not in url:
        return None
    data = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
