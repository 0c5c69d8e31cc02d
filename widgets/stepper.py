"""Back and Next for the step-by-step figure, stepping from where the browser has played to.

Play, pause and the slider run inside the figure, in the browser, so only the browser
knows which step it shows. These buttons read it from the figure, show the neighbouring
step at once, and tell the page. The page also hears when the figure comes to rest on a
step (a pause, the end of play, a slider move), so its step box, link and downloads
follow. Written as an inline Streamlit component: HTML, CSS and a few lines of
JavaScript, with no build step.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

_HTML = """
<div class="stepper">
  <button type="button" data-move="-1">◀ Back</button>
  <button type="button" data-move="1">Next ▶</button>
</div>
"""

_CSS = """
.stepper { display: flex; gap: .75rem; font-family: var(--st-font); }
button { flex: 1; font: inherit; color: var(--st-text-color); min-height: 2.5rem; padding: .25rem .75rem;
         cursor: pointer; background: white; border: 1px solid var(--st-border-color);
         border-radius: var(--st-base-radius); }
button:hover, button:focus-visible { border-color: var(--st-primary-color); color: var(--st-primary-color);
                                     outline: none; }
button:active { background: var(--st-primary-color); color: white; }
"""

_JS = """
const STILL = { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } };

export default function ({ parentElement, data, setTriggerValue }) {
  const figure = () => document.querySelector(`.st-key-${data.chart} .js-plotly-plot`);
  const shown = () => {                   // the step the figure shows (its slider's label), else the page's
    const label = document.querySelector(`.st-key-${data.chart} .slider-container .slider-label`);
    const match = label && /(\\d+)/.exec(label.textContent);
    return match ? Number(match[1]) : data.step;
  };
  const state = (window.convvizStepper = window.convvizStepper || {});
  state.told = data.step;
  const tell = (step) => {
    if (step !== state.told) { state.told = step; setTriggerValue("step", step); }
  };

  for (const button of parentElement.querySelectorAll("button")) {
    button.onclick = () => {
      const gd = figure();
      const step = Math.min(Math.max(shown() + Number(button.dataset.move), 1), data.steps);
      const framed = gd && gd.layout.sliders && gd.layout.sliders[0].steps.some((k) => k.label === String(step));
      if (window.Plotly && framed) window.Plotly.animate(gd, [String(step - 1)], STILL);
      tell(step);
    };
  }

  // When the figure comes to rest (a pause, the end of play, a slider move), tell the page where.
  clearInterval(state.watch);
  const bind = () => {
    const gd = figure();
    if (!gd || gd === state.bound || !gd.on) return;
    state.bound = gd;
    const rest = () => { clearTimeout(state.timer); state.timer = setTimeout(() => tell(shown()), 400); };
    gd.on("plotly_animated", rest);
    gd.on("plotly_animationinterrupted", rest);
  };
  bind();
  state.watch = setInterval(bind, 250);
}
"""

_stepper = st.components.v2.component("convviz_stepper", html=_HTML, css=_CSS, js=_JS)


def stepper(key: str, chart: str, step: int, steps: int, on_step: Callable[[int], None]) -> None:
    """Back and Next buttons for the animated figure whose widget key is `chart`.

    `on_step` receives the step (1 to `steps`) the browser moved to or came to rest on.
    """
    def moved() -> None:
        target = getattr(st.session_state[key], "step", None)
        if target is not None:
            on_step(min(max(int(target), 1), steps))

    _stepper(key=key, data={"chart": chart.replace(".", "-"), "step": step, "steps": steps},
             on_step_change=moved)
