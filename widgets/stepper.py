"""Back and Next for the step-by-step figure, stepping from where the browser has played to.

Play, pause and the slider run inside the figure, in the browser, so only the browser
knows which step it shows. These buttons read it from the figure, show the neighbouring
step at once, and tell the page. The page also hears when the figure comes to rest on a
step (a pause, the end of play, a slider move), so its step box, link and downloads
follow. Written as an inline Streamlit component: HTML, CSS and a few lines of
JavaScript, with no build step.

The figure's own Play, Pause, Restart and slider only declare the animation each one runs
(see :func:`convviz.figures.animation.animation_figure`); this component runs it. Plotly
rejects an animation's promise when a later one interrupts it, which is what Pause,
Restart, the slider and Back/Next do, and Plotly's own buttons leave that promise
unhandled: an "Uncaught (in promise)" error on every press.

The page is told a step only once the figure is at rest. Each new step rebuilds the
figure, and Streamlit replaces a chart whose figure changed: replacing it while it plays
cuts the play short, and Plotly, drawing the next frame on the discarded chart, throws
"Cannot read properties of undefined (reading '_plots')".
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

// Plotly rejects an animation's promise, with no reason, when a later animation interrupts it.
const run = (gd, method, args) =>
  window.Plotly[method](gd, ...args).catch((reason) => { if (reason !== undefined) throw reason; });

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
  state.rest = () => { clearTimeout(state.timer); state.timer = setTimeout(() => tell(shown()), 400); };

  for (const button of parentElement.querySelectorAll("button")) {
    button.onclick = () => {
      const gd = figure();
      const step = Math.min(Math.max(shown() + Number(button.dataset.move), 1), data.steps);
      const framed = gd && gd.layout.sliders && gd.layout.sliders[0].steps.some((k) => k.label === String(step));
      if (window.Plotly && framed) run(gd, "animate", [[String(step - 1)], STILL]);
      tell(step);
    };
  }

  // Run what the figure's buttons and slider declare, and hear when it comes to rest. Plotly
  // reports rest ("plotly_animated") after a pause, the end of play and a slider move; a frame
  // that starts before the page is told means it is playing again.
  state.bound = state.bound || new WeakSet();
  const bind = () => {                    // for a moment, the chart being replaced and its successor are both here
    for (const gd of document.querySelectorAll(`.st-key-${data.chart} .js-plotly-plot`)) {
      if (state.bound.has(gd) || !gd.on) continue;
      state.bound.add(gd);
      gd.on("plotly_buttonclicked", ({ button }) => run(gd, button.method, button.args));
      gd.on("plotly_sliderchange", ({ step, interaction }) => { if (interaction) run(gd, step.method, step.args); });
      gd.on("plotly_animatingframe", () => clearTimeout(state.timer));
      gd.on("plotly_animated", () => state.rest());
    }
  };
  // Streamlit replaces the chart whenever its figure changes. It calls this function again on every
  // rerun and the function it returns only when the page is left.
  if (state.watch) state.watch.disconnect();
  state.watch = new MutationObserver(bind);
  state.watch.observe(document.body, { childList: true, subtree: true });
  bind();
  return () => state.watch.disconnect();
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
