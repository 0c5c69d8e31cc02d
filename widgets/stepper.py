"""Restart, Back, Play/Pause and Next for the step-by-step figure, and its keys.

Playing and the slider run inside the figure, in the browser, so only the browser knows
which step it shows. These buttons read it from the figure, show the neighbouring step at
once, and tell the page. They are HTML buttons, so the keyboard reaches them, and the page
answers keys too: Space plays or pauses, ← and → move one step, Home and End go to the
first and last, + and − change the speed (with two steppers on a page, the keys drive the one
whose figure is nearest the middle of the window). The page also hears when the figure comes to rest on a
step (a pause, the end of play, a slider move), so its step box, link and downloads
follow. Written as an inline Streamlit component: HTML, CSS and a few lines of
JavaScript, with no build step.

The figure's slider and its hidden Play and Restart menu buttons only declare the animation
each one runs (see :func:`convviz.figures.animation.animation_figure`); this component runs it. Plotly
rejects an animation's promise when a later one interrupts it, which is what Pause,
Restart, the slider and Back/Next do, and Plotly's own buttons would leave that promise
unhandled: an "Uncaught (in promise)" error on every press.

The page is told a step only once the figure is at rest. Each new step rebuilds the
figure, and Streamlit replaces a chart whose figure changed: replacing it while it plays
cuts the play short, and Plotly, drawing the next frame on the discarded chart, throws
"Cannot read properties of undefined (reading '_plots')".
"""

from __future__ import annotations

import streamlit as st

from convviz.figures.animation import SPEEDS
from widgets.url_state import Scope

_HTML = """
<div class="stepper" role="group" aria-label="Steps">
  <button type="button" data-do="restart" title="Play from step 1">↺ Restart</button>
  <button type="button" data-do="back" title="One step back (←)">◀ Back</button>
  <button type="button" data-do="play" class="play" title="Play or pause (Space)">▶ Play</button>
  <button type="button" data-do="next" title="One step on (→)">Next ▶</button>
</div>
"""

_CSS = """
.stepper { display: flex; flex-wrap: wrap; gap: .5rem; font-family: var(--st-font); }
button { flex: 1 1 4.6rem; font: inherit; color: var(--st-text-color); min-height: 2.5rem; padding: .25rem .5rem;
         cursor: pointer; background: transparent; border: 1px solid var(--st-border-color); white-space: nowrap;
         border-radius: var(--st-base-radius); }
button.play { flex-basis: 6rem; font-weight: 600; border-color: var(--st-primary-color); }
button:hover, button:focus-visible { border-color: var(--st-primary-color); color: var(--st-primary-color);
                                     outline: 2px solid var(--st-primary-color); outline-offset: 1px; }
button:active { background: var(--st-primary-color); color: white; }
"""

_JS = """
const STILL = { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } };
const TYPING = "input, textarea, select, [contenteditable=true], [role=slider], [role=combobox], [role=listbox]";

// Plotly rejects an animation's promise, with no reason, when a later animation interrupts it.
// A new animation also replaces a move to the page's step still waiting to be made again.
const run = (gd, method, args) => {
  clearTimeout(gd.convvizRetry);
  return window.Plotly[method](gd, ...args).catch((reason) => { if (reason !== undefined) throw reason; });
};

export default function ({ parentElement, data, setTriggerValue }) {
  const figure = () => document.querySelector(`.st-key-${data.chart} .js-plotly-plot`);
  // A slider step animates to one frame, named for its step less one.
  const indexOf = (slider, step) => slider.steps.findIndex((k) => k.args[0][0] === String(step - 1));
  const onSlider = (gd) => {              // the step a chart's slider is on, or null before it is drawn
    const slider = gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders[0];
    const on = slider && gd.querySelector(".slider-container") && slider.steps[slider.active];
    return on ? Number(on.args[0][0]) + 1 : null;
  };
  const shown = () => {                   // the step the figure shows, else the page's
    const gd = figure();
    return (gd && onSlider(gd)) || data.step;
  };
  // One state per chart: a page may have several steppers (the keys go to the chart nearest the
  // middle of the window).
  const all = (window.convvizSteppers = window.convvizSteppers || {});
  const state = (all[data.chart] = all[data.chart] || {});
  state.figure = figure;
  state.told = data.step;
  const tell = (step) => {
    if (step !== state.told) { state.told = step; setTriggerValue("step", step); }
  };
  state.rest = () => { clearTimeout(state.timer); state.timer = setTimeout(() => tell(shown()), 400); };
  const play = parentElement.querySelector(".play");
  const playing = (on) => { state.playing = on; play.textContent = on ? "❚❚ Pause" : "▶ Play"; };
  playing(false);

  const go = (step) => {                   // show `step` at once, and tell the page
    const gd = figure();
    step = Math.min(Math.max(step, 1), data.steps);
    const framed = gd && gd.layout.sliders && indexOf(gd.layout.sliders[0], step) >= 0;
    if (window.Plotly && framed) run(gd, "animate", [[String(step - 1)], STILL]);
    playing(false);
    tell(step);
  };
  // The figure declares its Play and Restart (hidden menu buttons 0 and 2): run what they declare.
  // Play goes on from the step on screen (the figure may have opened on another one).
  const start = (button) => {
    const gd = figure();
    if (!gd || !window.Plotly) return;
    playing(true);
    const [frames, options] = gd.layout.updatemenus[0].buttons[button].args;
    const from = frames ? frames.indexOf(String(shown() - 1)) : -1;
    if (from < 0) return run(gd, "animate", [frames, options]);
    run(gd, "animate", [frames.slice(from), { ...options, fromcurrent: false }]);
  };
  state.act = {
    back: () => go(shown() - 1),
    next: () => go(shown() + 1),
    first: () => go(1),
    last: () => go(data.steps),
    play: () => {
      if (!state.playing) return start(shown() >= data.steps ? 2 : 0);
      const gd = figure();
      if (gd && window.Plotly) run(gd, "animate", [[null], STILL]);
      playing(false);
    },
    restart: () => start(2),
    faster: () => setTriggerValue("speed", 1),
    slower: () => setTriggerValue("speed", -1),
  };
  for (const button of parentElement.querySelectorAll("button")) button.onclick = () => state.act[button.dataset.do]();

  // Keys, once per page: Space play/pause, arrows one step, Home/End, + and − the speed.
  const KEYS = { " ": "play", ArrowLeft: "back", ArrowRight: "next", Home: "first", End: "last",
                 "+": "faster", "=": "faster", "-": "slower", "−": "slower" };
  const nearest = () => {
    let best = null, distance = Infinity;
    for (const other of Object.values(all)) {
      const gd = other.act && other.figure();
      if (!gd) continue;
      const box = gd.getBoundingClientRect();
      const off = Math.abs((box.top + box.bottom) / 2 - window.innerHeight / 2);
      if (off < distance) { best = other; distance = off; }
    }
    return best;
  };
  if (!window.convvizKeys) {
    window.convvizKeys = (event) => {
      const act = KEYS[event.key];
      if (!act || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.target.closest && event.target.closest(TYPING)) return;
      if (act === "play" && event.target.closest && event.target.closest("button, a, [role=button]")) return;
      const target = nearest();
      if (!target) return;
      event.preventDefault();
      target.act[act]();
    };
    document.addEventListener("keydown", window.convvizKeys);
  }

  // Run what the slider declares, and hear when the figure comes to rest. Plotly reports rest
  // ("plotly_animated") after a pause, the end of play and a slider move; a frame that starts
  // before the page is told means it is playing again.
  // A figure may be the same for many steps (built and sent once): it opens on its first step
  // and is moved here to the page's, without telling the page what it already knows, as soon as it
  // is drawn and again after every redraw (Streamlit redraws it when the page's width changes).
  // Plotly moves the slider with the cells only when the frame differs from the one it last
  // showed, which a redraw does not reset: at rest, the slider is set to the step if it missed it.
  const later = (gd) => {                  // try again in a moment, for ten seconds at most
    clearTimeout(gd.convvizRetry);
    if ((gd.convvizTries = (gd.convvizTries || 0) + 1) <= 100) gd.convvizRetry = setTimeout(() => arrive(gd), 100);
  };
  const arrive = (gd) => {
    if (state.playing) return;             // the student took over
    const slider = gd.layout && gd.layout.sliders && gd.layout.sliders[0];
    const now = onSlider(gd);
    if (!window.Plotly || !gd._fullLayout || !slider || now === null) return later(gd);
    // The latest step either side knows: a chart that replaces one the stepper has just moved can
    // arrive before this function runs again with the page's new step.
    const step = state.told;
    if (now !== step && indexOf(slider, step) >= 0) {
      gd.convvizArriving = step;
      run(gd, "animate", [[String(step - 1)], STILL]);
    }
  };
  const arrived = (gd) => {                // at rest on the page's step: the slider must say so too
    const step = gd.convvizArriving;
    gd.convvizArriving = undefined;
    if (onSlider(gd) !== step) run(gd, "relayout", [{ "sliders[0].active": indexOf(gd.layout.sliders[0], step) }]);
  };
  state.bound = state.bound || new WeakSet();
  const bind = () => {                    // for a moment, the chart being replaced and its successor are both here
    for (const gd of document.querySelectorAll(`.st-key-${data.chart} .js-plotly-plot`)) {
      if (state.bound.has(gd) || !gd.on) continue;
      state.bound.add(gd);
      playing(false);                     // a new chart is at rest: a play on the one it replaced is over
      gd.on("plotly_sliderchange", ({ step, interaction }) => { if (interaction) run(gd, step.method, step.args); });
      gd.on("plotly_animatingframe", () => clearTimeout(state.timer));
      gd.on("plotly_animationinterrupted", () => { gd.convvizArriving = undefined; });
      gd.on("plotly_animated", () => {
        playing(false);
        if (gd.convvizArriving === undefined) state.rest(); else arrived(gd);
      });
      gd.on("plotly_react", () => arrive(gd));
      arrive(gd);
    }
  };
  // Streamlit replaces the chart whenever its figure changes. It calls this function again on every
  // rerun and the function it returns only when the page is left.
  if (state.watch) state.watch.disconnect();
  state.watch = new MutationObserver(bind);
  state.watch.observe(document.body, { childList: true, subtree: true });
  bind();
  const gd = figure();
  if (gd && state.bound.has(gd)) arrive(gd);   // the same chart, a new step from the page (its box, a click)
  return () => {
    state.watch.disconnect();
    delete all[data.chart];
    if (!Object.keys(all).length && window.convvizKeys) {
      document.removeEventListener("keydown", window.convvizKeys);
      window.convvizKeys = null;
    }
  };
}
"""

# On a phone the grids would shrink until their numbers overlap: below this width the figure
# keeps it and pans sideways inside its own box, and the page itself never scrolls sideways.
_NARROWEST_PX = 660
_NARROW_CSS = """<style>
@media (max-width: {px}px) {{
  .st-key-{chart} {{ overflow-x: auto; }}
  .st-key-{chart} > [data-testid="stFullScreenFrame"] {{ min-width: {px}px; }}
  .st-key-{chart}::before {{ content: "⇆ Swipe the figure sideways to see all of it"; display: block;
                            font-size: 0.85rem; opacity: 0.75; position: sticky; left: 0; }}
}}
</style>"""


def pannable(chart: str) -> None:
    """Keep the chart with widget key `chart` legible on a phone: it pans inside its own box."""
    st.html(_NARROW_CSS.format(px=_NARROWEST_PX, chart=chart.replace(".", "-")))

_stepper = st.components.v2.component("convviz_stepper", html=_HTML, css=_CSS, js=_JS)


def stepper(scope: Scope, chart: str, steps: int, step: str = "step", speed: str = "speed") -> None:
    """Restart, Back, Play/Pause and Next for the animated figure whose widget key is `chart`.

    The step (1 to `steps`) the browser moves to or comes to rest on goes into `scope`'s
    setting `step`; the + and − keys move its setting `speed` to the next of :data:`SPEEDS`.
    """
    key = scope.key(f"stepper.{step}")          # one per step setting: a page may have two

    # A stepper's last word can arrive with the run that no longer draws it (its section was left):
    # Streamlit then has no state under its key, and there is nothing to follow.
    def moved() -> None:
        target = getattr(st.session_state.get(key), "step", None)
        if target is not None:
            scope.set(step, min(max(int(target), 1), steps))

    def paced() -> None:
        change = getattr(st.session_state.get(key), "speed", None)
        if change in (1, -1):
            names = tuple(SPEEDS)
            at = min(max(names.index(scope.value(speed)) + change, 0), len(names) - 1)
            scope.set(speed, names[at])

    pannable(chart)
    _stepper(key=key, data={"chart": chart.replace(".", "-"), "step": scope.value(step), "steps": steps},
             on_step_change=moved, on_speed_change=paced)
