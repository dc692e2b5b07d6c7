// lrs web page: the schedules, one schedule's curve and history, and a playground to write, compare and
// save specs. Plain JavaScript, no build step; charts by the vendored uPlot. Every LR shown is exact: the
// server sends real (step, LR) samples, and numbers are printed in full (shortest round-trip form).
"use strict";

const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];
// Equal curves (a library config and its translation) stay visible on top of each other.
const DASHES = [undefined, [9, 5], [3, 4], [12, 4, 3, 4]];
const TOKEN_KEY = "lrs.token";
const BASE = new URL(".", document.baseURI).href.replace(/\/$/, "");
const $ = (sel, root = document) => root.querySelector(sel);
const main = $("#main");
// State the browser tests read: the curves drawn, per chart.
const lrs = (window.lrs = { charts: {}, curves: {}, markers: [], served: null, ready: false });

// -- HTTP -----------------------------------------------------------------------------------------------

class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new Problem(0, { detail: `cannot reach the server: ${err.message}` });
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

function fieldPath(loc) {
  const parts = [...loc];
  if (parts[0] === "body") parts.shift();
  if (parts[0] === "schedule" || parts[0] === "schedules") parts.shift();
  return parts.join(".") || "(spec)";
}

function problemLines(err) {
  if (!(err instanceof Problem)) return [String(err)];
  const errors = err.body.errors || [];
  if (errors.length) return errors.map((e) => `${fieldPath(e.loc || [])}: ${e.msg}`);
  if (err.status === 401) return [`${err.message} — type a token at the top of the page`];
  if (err.status === 403) return [`${err.message} — this needs the admin token`];
  return [err.message];
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function showErrors(list, lines) {
  list.replaceChildren(...lines.map((l) => el("li", { text: l })));
  list.hidden = lines.length === 0;
}

const debounce = (fn, ms) => { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; };
const exact = (v) => (v == null ? "—" : String(v)); // shortest round-trip: every digit that matters

// -- charts ---------------------------------------------------------------------------------------------

// Dashed lines where revisions take effect, and the band of steps already served.
function overlays(getMarkers, getServed) {
  return {
    hooks: {
      draw: [(u) => {
        const { ctx } = u;
        const { top, height, left, width } = u.bbox;
        const served = getServed();
        ctx.save();
        ctx.textAlign = "left";
        ctx.textBaseline = "alphabetic";
        if (served != null && served >= 0) {
          const x = Math.min(Math.max(u.valToPos(served, "x", true), left), left + width);
          ctx.fillStyle = "rgba(0,0,0,0.06)";
          ctx.fillRect(left, top, x - left, height);
          ctx.fillStyle = "#555";
          ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.fillText(`served up to step ${served}`, left + 6 * devicePixelRatio, top + 14 * devicePixelRatio);
        }
        for (const m of getMarkers()) {
          const x = u.valToPos(m.step, "x", true);
          if (x < left || x > left + width) continue;
          ctx.strokeStyle = "#777";
          ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = "#444";
          ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.fillText(m.label, x + 4 * devicePixelRatio, top + 30 * devicePixelRatio);
        }
        ctx.restore();
      }],
    },
  };
}

// labels[i]: a series' label; slots[i] (default i): its colour and dash, so that a curve keeps its look
function makeChart(target, labels, { log = false, height = 360, markers = () => [], served = () => null, onZoom = null, slots = null } = {}) {
  const opts = {
    width: Math.max(300, target.clientWidth - 10),
    height,
    scales: { x: { time: false }, y: log ? { distr: 3 } : { range: (u, lo, hi) => [Math.min(0, lo), hi * 1.05 || 1] } },
    series: [
      { label: "step", value: (u, v) => exact(v) },
      ...labels.map((label, j) => { const i = slots ? slots[j] : j; return {
        label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: false }, dash: DASHES[i % DASHES.length],
        value: (u, v) => exact(v),
      }; }),
    ],
    axes: [
      { label: "step" },
      { label: log ? "learning rate (log)" : "learning rate", size: 80, values: (u, vals) => vals.map((v) => (v == null ? "" : +v.toPrecision(6))) },
    ],
    cursor: { drag: { x: true, y: false } },
    plugins: [overlays(markers, served)],
    hooks: {},
  };
  if (onZoom) opts.hooks.setScale = [(u, key) => { if (key === "x") onZoom(u); }];
  const data = [[], ...labels.map(() => [])];
  const chart = new uPlot(opts, data, target);
  new ResizeObserver(() => chart.setSize({ width: Math.max(300, target.clientWidth - 10), height })).observe(target);
  return chart;
}

// Curves with different steps on one chart: align them on the union of their steps.
function joined(curves, log) {
  const clean = (lr) => (log ? lr.map((v) => (v > 0 ? v : null)) : lr);
  if (curves.length === 1) return [curves[0].steps, clean(curves[0].lr)];
  const data = uPlot.join(curves.map((c) => [c.steps, c.lr]));
  return [data[0], ...data.slice(1).map(clean)];
}

function sparkline(curve) {
  const w = 240, h = 60;
  const { steps, lr } = curve;
  if (!steps.length) return el("svg");
  const x0 = steps[0], x1 = steps[steps.length - 1] || 1;
  const hi = Math.max(...lr) || 1, lo = Math.min(0, ...lr);
  const pts = steps.map((s, i) => `${(((s - x0) / (x1 - x0 || 1)) * w).toFixed(1)},${(h - 2 - ((lr[i] - lo) / (hi - lo || 1)) * (h - 6)).toFixed(1)}`);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M" + pts.join(" L"));
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", COLORS[0]);
  path.setAttribute("stroke-width", "1.5");
  path.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(path);
  return svg;
}

// -- copy as JSON, curl or Python -----------------------------------------------------------------------

function pyLiteral(value, indent = 0) {
  const pad = " ".repeat(indent + 4), end = " ".repeat(indent);
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isInteger(value) && !String(value).includes("e") ? String(value) : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return value.length ? `[${value.map((v) => pyLiteral(v, indent)).join(", ")}]` : "[]";
  const items = Object.entries(value).map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pyLiteral(v, indent + 4)},`);
  return items.length ? `{\n${items.join("\n")}\n${end}}` : "{}";
}

function copyTexts(spec, name) {
  const json = JSON.stringify(spec, null, 2);
  const target = name || "my-schedule";
  const curl = [
    `LRS=${BASE}`,
    `# the LR table of this spec (nothing stored)`,
    `curl -sS --fail-with-body "$LRS/v1/table" -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify({ schedule: spec, stop: 1000 }).replace(/'/g, "'\\''")}'`,
    `# store it as the named schedule ${target} (admin token)`,
    `curl -sS --fail-with-body -X PUT "$LRS/v1/schedules/${target}" -H "Authorization: Bearer $LRS_TOKEN" \\`,
    `  -H 'Content-Type: application/json' -d '${JSON.stringify({ schedule: spec }).replace(/'/g, "'\\''")}'`,
  ].join("\n");
  const python = [
    "from service import evaluate",
    "from service.client import Client, RemoteSchedule",
    "",
    `spec = ${pyLiteral(spec)}`,
    "lrs = evaluate(spec, range(1000))  # locally, with the engine (lrserve[spec])",
    "",
    `with Client(${JSON.stringify(BASE)}, token=ADMIN_TOKEN) as client:`,
    `    client.put_schedule(${JSON.stringify(target)}, spec)`,
    `schedule = RemoteSchedule(${JSON.stringify(BASE)}, ${JSON.stringify(target)})  # in the trainer: schedule.lr(step)`,
  ].join("\n");
  return { json, curl, python };
}

function openCopy(title, text) {
  $("#copy-title").textContent = title;
  $("#copy-text").value = text;
  $("#copy-state").textContent = "";
  $("#copy-dialog").showModal();
}

$("#copy-button").addEventListener("click", async () => {
  const area = $("#copy-text");
  try {
    await navigator.clipboard.writeText(area.value);
    $("#copy-state").textContent = "copied";
  } catch {
    area.select();
    $("#copy-state").textContent = "selected: press Ctrl+C";
  }
});

// -- the token ------------------------------------------------------------------------------------------

function showTokenState() {
  $("#token-state").textContent = token() ? "set (this tab only)" : "";
}
$("#token").value = token();
$("#token").addEventListener("input", (e) => {
  const value = e.target.value.trim();
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  showTokenState();
});
$("#token-form").addEventListener("submit", (e) => e.preventDefault());
$("#token-forget").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); $("#token").value = ""; showTokenState(); });
showTokenState();

// -- views ----------------------------------------------------------------------------------------------

async function viewList() {
  main.replaceChildren(
    el("h1", { text: "Schedules" }),
    el("div", { class: "row" }, el("a", { class: "button", href: "#/playground", text: "New schedule…" })),
  );
  const status = el("p", { class: "status muted", id: "list-status", text: "loading…" });
  const cards = el("div", { class: "cards", id: "cards" });
  main.append(status, cards);
  const items = [];
  try {
    let after = null;
    do {
      const page = await api("GET", `/v1/schedules?limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`);
      items.push(...page.items);
      after = page.next_after;
    } while (after);
  } catch (err) {
    status.className = "status bad";
    status.textContent = problemLines(err).join("; ");
    return;
  }
  status.textContent = items.length ? `${items.length} schedule${items.length === 1 ? "" : "s"}` : "No schedules yet: write one in the playground.";
  for (const item of items) {
    const preview = el("div", { class: "preview" });
    cards.append(el("a", { class: "card", href: `#/s/${encodeURIComponent(item.name)}`, "data-name": item.name },
      el("div", { class: "name", text: item.name }),
      preview,
      el("div", { class: "muted", text: [`${item.revisions} revision${item.revisions === 1 ? "" : "s"}`, item.promised_step >= 0 ? `served to step ${item.promised_step}` : "", item.description].filter(Boolean).join(" · ") }),
    ));
    api("GET", `/v1/schedules/${encodeURIComponent(item.name)}/curve?points=60`)
      .then((curve) => { preview.replaceChildren(sparkline(curve)); lrs.curves[`preview:${item.name}`] = curve; })
      .catch((err) => preview.replaceChildren(el("span", { class: "bad", text: problemLines(err)[0] })));
  }
  lrs.ready = true;
}

async function viewSchedule(name) {
  const path = `/v1/schedules/${encodeURIComponent(name)}`;
  main.replaceChildren(el("p", { class: "muted", text: "loading…" }));
  let body;
  try {
    body = await api("GET", path);
  } catch (err) {
    main.replaceChildren(el("h1", { text: name }), el("p", { class: "bad", text: problemLines(err).join("; ") }));
    return;
  }
  const log = el("input", { type: "checkbox", id: "log" });
  const chartBox = el("div", { class: "chart", id: "chart" });
  const hint = el("span", { class: "muted", text: "drag to zoom, double-click to reset; hover for the exact LR" });
  const revisions = el("tbody");
  main.replaceChildren(
    el("h1", {}, name, " ", el("span", { class: "muted", text: body.description })),
    el("div", { class: "row" },
      el("span", { id: "served", text: `highest step served: ${body.promised_step < 0 ? "none yet" : body.promised_step}` }),
      el("label", {}, log, " log scale"), hint,
      el("a", { class: "button", href: `${BASE}${path}/plot.svg`, target: "_blank", text: "SVG" })),
    chartBox,
    el("h2", { text: "Revisions" }),
    el("table", {}, el("thead", {}, el("tr", {}, ...["#", "from step", "created", "comment", "spec"].map((h) => el("th", { text: h })))), revisions),
  );
  for (const r of [...body.revisions].reverse()) {
    revisions.append(el("tr", { "data-revision": r.revision },
      el("td", { text: r.revision + (r.forced ? " (forced)" : "") }),
      el("td", { text: r.effective_from_step }),
      el("td", { text: r.created_at }),
      el("td", { text: r.comment }),
      el("td", {}, el("details", {}, el("summary", { text: [r.schedule.kind, r.schedule.name].filter(Boolean).join(" ") }), el("pre", { text: JSON.stringify(r.schedule, null, 2) }))),
    ));
  }

  // the curve, refetched for the zoomed range so that every point drawn stays an exact sample
  let whole = null, chart = null, preview = null, zoomSeq = 0;
  const markers = () => body.timeline.slice(1).map((p) => ({ step: p.from_step, label: `revision ${p.revision}` }));
  lrs.markers = markers();
  lrs.served = body.promised_step;
  const draw = () => {
    if (chart) chart.destroy();
    const labels = preview ? [name, "with the new revision"] : [name];
    chart = makeChart(chartBox, labels, { log: log.checked, markers, served: () => body.promised_step, onZoom });
    const curves = preview ? [whole, preview] : [whole];
    chart.setData(joined(curves, log.checked));
    have = null;
    lrs.charts.schedule = chart;
    lrs.curves.schedule = whole;
  };
  let have = null; // the range fetched for the zoom drawn now (null: the whole curve)
  const onZoom = debounce(async (u) => {
    const { min, max } = u.scales.x;
    if (min == null || max == null || preview) return;
    const start = Math.max(0, Math.floor(min)), stop = Math.ceil(max) + 1;
    if (start <= whole.start && stop >= whole.stop) {
      if (have) { have = null; u.setData(joined([whole], log.checked), false); u.setScale("x", { min, max }); }
      return;
    }
    if (have && start === have.start && stop === have.stop) return;
    const seq = ++zoomSeq;
    try {
      const part = await api("GET", `${path}/curve?start=${start}&stop=${stop}&points=1500`);
      if (seq !== zoomSeq) return;
      have = { start, stop };
      lrs.curves.zoomed = part;
      u.setData(joined([part], log.checked), false);
      u.setScale("x", { min, max }); // recomputes which samples are in view (hover, legend)
    } catch { /* keep what is drawn */ }
  }, 150);
  try {
    whole = await api("GET", `${path}/curve?points=2000`);
  } catch (err) {
    chartBox.replaceChildren(el("p", { class: "bad", text: problemLines(err).join("; ") }));
    return;
  }
  chartBox.addEventListener("dblclick", () => { have = null; if (chart) chart.setData(joined(preview ? [whole, preview] : [whole], log.checked)); });
  log.addEventListener("change", draw);
  draw();

  // operators: post a revision (admin token)
  const latest = body.revisions[body.revisions.length - 1];
  const spec = el("textarea", { class: "spec", id: "revision-spec", spellcheck: "false" });
  spec.value = JSON.stringify(latest.schedule, null, 2);
  const from = el("input", { type: "number", id: "revision-from", min: "0", value: String(body.promised_step + 1) });
  const comment = el("input", { id: "revision-comment", placeholder: "why (optional)" });
  const force = el("input", { type: "checkbox", id: "revision-force" });
  const errors = el("ul", { class: "errors", id: "revision-errors", hidden: true });
  const state = el("span", { class: "status", id: "revision-state" });
  const previewIt = async () => {
    showErrors(errors, []);
    let parsed;
    try { parsed = JSON.parse(spec.value); } catch (err) { showErrors(errors, [`not valid JSON: ${err.message}`]); return null; }
    const start = Number(from.value);
    try {
      preview = await api("POST", "/v1/curve", { schedule: parsed, start, stop: Math.max(whole.stop, start + 2), points: 1000 });
      preview = { ...preview, steps: [whole.steps.filter((s) => s < start), preview.steps].flat(), lr: [whole.lr.filter((_, i) => whole.steps[i] < start), preview.lr].flat() };
      draw();
      return parsed;
    } catch (err) { showErrors(errors, problemLines(err)); return null; }
  };
  const post = async () => {
    state.textContent = "";
    const parsed = await previewIt();
    if (!parsed) return;
    try {
      await api("POST", `${path}/revisions`, { schedule: parsed, effective_from_step: Number(from.value), comment: comment.value, force: force.checked });
      state.className = "status ok";
      state.textContent = "revision posted";
      await viewSchedule(name);
      $("#revision-state").className = "status ok";
      $("#revision-state").textContent = "revision posted";
    } catch (err) {
      const lines = problemLines(err);
      if (err.body && err.body.smallest_allowed_step != null) lines.push(`the earliest step a revision may take effect now is ${err.body.smallest_allowed_step} (or force it)`);
      showErrors(errors, lines);
    }
  };
  main.append(
    el("h2", { text: "Change it from a future step" }),
    el("div", { class: "panel" },
      el("p", { class: "muted", text: "Steps up to the highest one served are fixed for every trainer: a revision takes effect after them (unless forced). Needs the admin token." }),
      spec, errors,
      el("div", { class: "row" },
        el("label", {}, "effective from step ", from),
        el("label", {}, "comment ", comment),
        el("label", {}, force, " force"),
        el("button", { type: "button", id: "revision-preview", onclick: previewIt, text: "Preview" }),
        el("button", { type: "button", class: "primary", id: "revision-post", onclick: post, text: "Post revision" }),
        state)),
  );
  lrs.ready = true;
}

// -- the playground -------------------------------------------------------------------------------------

const EXAMPLES = {
  "PyTorch CosineAnnealingLR": { kind: "torch", name: "CosineAnnealingLR", base_lr: 0.1, args: { T_max: 100, eta_min: 0.001 } },
  "native cosine_annealing": { kind: "cosine_annealing", base_lr: 0.1, min_lr: 0.001, t_max: 100 },
  "Hugging Face cosine with warm-up": { kind: "transformers", name: "cosine", base_lr: 0.1, args: { num_warmup_steps: 10, num_training_steps: 100 } },
  "native warmup_cosine": { kind: "warmup_cosine", base_lr: 0.1, warmup_steps: 10, hold_steps: 0, decay_steps: 90, min_lr: 0.0 },
  "Keras CosineDecay with warm-up": { kind: "keras", name: "CosineDecay", args: { initial_learning_rate: 0.0, decay_steps: 90, warmup_target: 0.1, warmup_steps: 10 } },
  "optax warmup_cosine_decay_schedule": { kind: "optax", name: "warmup_cosine_decay_schedule", args: { init_value: 0.0, peak_value: 0.1, warmup_steps: 10, decay_steps: 100 } },
  "timm CosineLRScheduler": { kind: "timm", name: "CosineLRScheduler", base_lr: 0.1, args: { t_initial: 100, warmup_t: 5, warmup_lr_init: 0.001 } },
};
const STARTER = ["PyTorch CosineAnnealingLR", "native cosine_annealing", "Hugging Face cosine with warm-up"];

function viewPlayground() {
  const editors = [];
  const chartBox = el("div", { class: "chart", id: "playground-chart" });
  const grid = el("div", { class: "editors" });
  const stopInput = el("input", { type: "number", id: "stop", min: "1", placeholder: "auto" });
  const log = el("input", { type: "checkbox", id: "playground-log" });
  const add = el("button", { type: "button", id: "add-editor", text: "+ Compare another" });
  let chart = null, seq = 0;

  const refresh = debounce(async () => {
    const mine = ++seq;
    const want = stopInput.value ? Number(stopInput.value) : null;
    const results = await Promise.all(editors.map((ed) => check(ed, want)));
    if (mine !== seq) return;
    let curves = results;
    const valid = curves.filter(Boolean);
    if (!want && valid.length > 1) {
      const common = Math.max(...valid.map((c) => c.stop));
      curves = await Promise.all(editors.map((ed, i) => (curves[i] && curves[i].stop < common ? check(ed, common) : curves[i])));
      if (mine !== seq) return;
    }
    const shown = editors.map((ed, i) => ({ ed, curve: curves[i] })).filter((x) => x.curve);
    if (chart) chart.destroy();
    chart = null;
    lrs.curves = {};
    editors.forEach((ed, i) => { if (curves[i]) lrs.curves[`editor${i}`] = curves[i]; });
    if (!shown.length) { chartBox.replaceChildren(el("p", { class: "muted", text: "Nothing to draw: fix the specs above." })); return; }
    chartBox.replaceChildren();
    const labels = shown.map((x) => x.ed.label.value || `spec ${x.ed.index + 1}`);
    chart = makeChart(chartBox, labels, { log: log.checked, slots: shown.map((x) => x.ed.index) });
    chart.setData(joined(shown.map((x) => x.curve), log.checked));
    lrs.charts.playground = chart;
    lrs.ready = true;
  }, 250);

  async function check(ed, stop) {
    const errors = [];
    let spec;
    try { spec = JSON.parse(ed.text.value); } catch (err) { errors.push(`not valid JSON: ${err.message}`); }
    let curve = null;
    if (spec !== undefined) {
      try {
        curve = await api("POST", "/v1/curve", stop ? { schedule: spec, stop, points: 1000 } : { schedule: spec, points: 1000 });
      } catch (err) { errors.push(...problemLines(err)); }
    }
    ed.text.classList.toggle("invalid", errors.length > 0);
    showErrors(ed.errors, errors);
    ed.state.textContent = curve ? "valid" : "";
    ed.spec = curve ? spec : null;
    return curve;
  }

  function addEditor(label, spec) {
    if (editors.length >= 4) return;
    const index = editors.length;
    const ed = { index };
    ed.label = el("input", { value: label, "aria-label": "label", class: "label" });
    ed.text = el("textarea", { class: "spec", spellcheck: "false", "aria-label": `spec ${index + 1}`, "data-editor": index });
    ed.text.value = JSON.stringify(spec, null, 2);
    ed.errors = el("ul", { class: "errors", hidden: true, "data-errors": index });
    ed.state = el("span", { class: "muted ok" });
    const pick = el("select", { "aria-label": "example" }, el("option", { value: "", text: "example…" }), ...Object.keys(EXAMPLES).map((k) => el("option", { value: k, text: k })));
    pick.addEventListener("change", () => { if (pick.value) { ed.text.value = JSON.stringify(EXAMPLES[pick.value], null, 2); ed.label.value = pick.value; pick.value = ""; refresh(); } });
    const withSpec = (fn) => () => {
      let parsed;
      try { parsed = JSON.parse(ed.text.value); } catch (err) { showErrors(ed.errors, [`not valid JSON: ${err.message}`]); return; }
      fn(parsed);
    };
    const toNative = withSpec(async (parsed) => {
      try {
        const out = await api("POST", "/v1/native", { schedule: parsed });
        ed.text.value = JSON.stringify(out.schedule, null, 2);
        ed.label.value = `${ed.label.value} (native)`;
        refresh();
      } catch (err) { showErrors(ed.errors, problemLines(err)); }
    });
    const box = el("div", { class: "editor", style: `--color: ${COLORS[index % COLORS.length]}`, "data-index": index },
      el("div", { class: "head" }, ed.label, pick, ed.state),
      ed.text, ed.errors,
      el("div", { class: "row actions" },
        el("button", { type: "button", onclick: toNative, text: "To native", title: "Translate a library config to the native language" }),
        el("button", { type: "button", onclick: withSpec((s) => openCopy("JSON", copyTexts(s, nameInput.value).json)), text: "Copy JSON" }),
        el("button", { type: "button", onclick: withSpec((s) => openCopy("curl", copyTexts(s, nameInput.value).curl)), text: "Copy curl" }),
        el("button", { type: "button", onclick: withSpec((s) => openCopy("Python", copyTexts(s, nameInput.value).python)), text: "Copy Python" }),
      ),
    );
    ed.text.addEventListener("input", refresh);
    ed.label.addEventListener("input", refresh);
    editors.push(ed);
    grid.append(box);
    add.disabled = editors.length >= 4;
    refresh();
  }

  // operators: store a spec as a new named schedule (admin token)
  const nameInput = el("input", { id: "create-name", placeholder: "name, e.g. resnet50", pattern: "[a-z0-9][a-z0-9._\\-]{0,63}" });
  const description = el("input", { id: "create-description", placeholder: "description (optional)" });
  const which = el("select", { id: "create-which" });
  const createErrors = el("ul", { class: "errors", id: "create-errors", hidden: true });
  const createState = el("span", { class: "status", id: "create-state" });
  const refreshWhich = () => which.replaceChildren(...editors.map((ed, i) => el("option", { value: i, text: `spec ${i + 1}: ${ed.label.value}` })));
  const create = async () => {
    showErrors(createErrors, []);
    createState.textContent = "";
    const ed = editors[Number(which.value) || 0];
    let parsed;
    try { parsed = JSON.parse(ed.text.value); } catch (err) { showErrors(createErrors, [`not valid JSON: ${err.message}`]); return; }
    const name = nameInput.value.trim();
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) { showErrors(createErrors, ["name: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (at most 64)"]); return; }
    try {
      await api("PUT", `/v1/schedules/${name}`, { schedule: parsed, description: description.value });
      createState.className = "status ok";
      createState.replaceChildren("created ", el("a", { href: `#/s/${name}`, text: name }));
    } catch (err) {
      const lines = problemLines(err);
      if (err.status === 428) lines.splice(0, lines.length, `a schedule named ${name} exists already: open it to post a revision`);
      showErrors(createErrors, lines);
    }
  };
  which.addEventListener("focus", refreshWhich);

  main.replaceChildren(
    el("h1", { text: "Playground" }),
    el("p", { class: "muted", text: "Write or paste a spec — native or any library's dialect. It is checked as you type; compare up to four on one chart." }),
    el("div", { class: "row" }, el("label", {}, "up to step ", stopInput), el("label", {}, log, " log scale"), add),
    chartBox, grid,
    el("h2", { text: "Save as a named schedule" }),
    el("div", { class: "panel" },
      el("div", { class: "row" }, nameInput, description, which, el("button", { type: "button", class: "primary", id: "create", onclick: create, text: "Create" }), createState),
      createErrors),
  );
  stopInput.addEventListener("input", refresh);
  log.addEventListener("change", refresh);
  add.addEventListener("click", () => addEditor(`spec ${editors.length + 1}`, EXAMPLES["native cosine_annealing"]));
  for (const key of STARTER) addEditor(key, EXAMPLES[key]);
  refreshWhich();
}

// -- routing --------------------------------------------------------------------------------------------

function route() {
  lrs.ready = false;
  lrs.charts = {};
  lrs.curves = {};
  const hash = location.hash.replace(/^#/, "") || "/";
  const nav = hash.startsWith("/playground") ? "playground" : hash === "/" ? "list" : "";
  document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active", a.dataset.nav === nav));
  if (hash.startsWith("/s/")) return viewSchedule(decodeURIComponent(hash.slice(3)));
  if (hash.startsWith("/playground")) return viewPlayground();
  return viewList();
}
window.addEventListener("hashchange", route);
route();
