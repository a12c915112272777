// The live dashboard: pick a metric (and optionally a group), then follow its windows through
// GET /v1/metrics/{name}/stream. Every window message replaces the one held for that window only
// when it has folded in more events, so the page never shows a number going back.

import { drawChart, formatNumber } from "./chart.js";

const $ = (id) => document.getElementById(id);
const MAX_WINDOWS_SHOWN = 20;
const BOARD_SIZE = 10;

const state = {
  metrics: new Map(),   // name -> definition
  definition: null,
  windows: new Map(),   // window key -> window object (latest)
  updates: 0,
  source: null,
  dirty: false,
};

// Counts, sums and rates of one window come as one, whatever definition versions computed it
// (the stream merges them and lists them in "versions"): keyed by group and bounds, so the merged
// window replaces what one version showed. Open distinct counts and rankings cannot be merged and
// come per version: keyed by version too.
function windowKey(w) {
  const bounds = `${JSON.stringify(w.group)}|${w.start}|${w.end}`;
  return w.fn === "distinct" || w.fn === "topk" ? `${w.version}|${bounds}` : bounds;
}

function describe(def) {
  const fn = def.aggregate.fn;
  const what = {
    count: "events counted",
    sum: `sum of ${def.aggregate.field || "value"}`,
    rate: "events per second",
    distinct: `distinct ${def.aggregate.field} values`,
    topk: `the ${def.aggregate.k} most frequent ${def.aggregate.field} values`,
  }[fn] || fn;
  const win = def.window.slide && def.window.slide !== def.window.size
    ? `${def.window.size} windows every ${def.window.slide}` : `${def.window.size} windows`;
  const by = def.groupBy && def.groupBy.length ? ` by ${def.groupBy.join(", ")}` : "";
  return `${what[0].toUpperCase()}${what.slice(1)}${by}, over ${win}.`;
}

async function loadMetrics() {
  const response = await fetch("v1/metrics");
  const body = await response.json();
  const select = $("metric");
  for (const def of body.metrics) {
    state.metrics.set(def.name, def);
    const option = document.createElement("option");
    option.value = def.name;
    option.textContent = def.name;
    select.appendChild(option);
  }
  const params = new URLSearchParams(location.search);
  if (params.get("metric") && state.metrics.has(params.get("metric"))) {
    select.value = params.get("metric");
  }
}

function renderFilters() {
  const params = new URLSearchParams(location.search);
  const filters = $("filters");
  filters.replaceChildren();
  for (const dim of state.definition.groupBy || []) {
    const label = document.createElement("label");
    label.textContent = dim;
    const input = document.createElement("input");
    input.name = dim;
    input.placeholder = "all";
    input.value = params.get(dim) || "";
    input.setAttribute("list", `values-${dim}`);
    const list = document.createElement("datalist");
    list.id = `values-${dim}`;
    input.addEventListener("change", () => select());
    label.append(input, list);
    filters.appendChild(label);
  }
}

function where() {
  const out = {};
  for (const input of $("filters").querySelectorAll("input")) {
    if (input.value.trim()) out[input.name] = input.value.trim();
  }
  return out;
}

function setStatus(kind, text) {
  const status = $("status");
  status.className = `status ${kind}`;
  status.textContent = text;
}

function connect() {
  if (state.source) state.source.close();
  state.windows.clear();
  state.updates = 0;
  const query = new URLSearchParams(where());
  const url = `v1/metrics/${encodeURIComponent(state.definition.name)}/stream${query.size ? "?" + query : ""}`;
  $("stream-url").textContent = "/" + url;
  setStatus("connecting", "connecting");
  const source = new EventSource(url);
  state.source = source;
  source.onopen = () => setStatus("live", "live");
  source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "down" : "connecting",
    source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting");
  source.addEventListener("window", (message) => {
    const w = JSON.parse(message.data);
    const key = windowKey(w);
    const held = state.windows.get(key);
    if (!held || w.events > held.events || (w.events === held.events && w.final && !held.final)) {
      state.windows.set(key, w);
    }
    state.updates++;
    schedule();
  });
  source.addEventListener("disconnect", (message) => {
    setStatus("connecting", "resuming");
    console.info("stream closed by the server:", JSON.parse(message.data).reason);
  });
}

function schedule() {
  if (state.dirty) return;
  state.dirty = true;
  setTimeout(() => requestAnimationFrame(render), 250);
}

/** The window to headline: the oldest one still open (the most complete), else the newest. */
function currentStart(starts, def) {
  const now = Date.now();
  const open = starts.filter((s) => s <= now && now < s + durationMillis(def.window.size));
  return open.length ? Math.min(...open) : Math.max(...starts);
}

function durationMillis(text) {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) return 60_000;
  return Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2]];
}

function groupLabel(group) {
  const values = Object.values(group);
  return values.length ? values.join(" · ") || "(none)" : "all";
}

function render() {
  state.dirty = false;
  const def = state.definition;
  const topk = def.aggregate.fn === "topk";
  const fnName = def.aggregate.fn[0].toUpperCase() + def.aggregate.fn.slice(1);
  const windows = [...state.windows.values()];
  $("kpi-updates").textContent = formatNumber(state.updates);
  if (windows.length === 0) return;

  // Per window start: the total over the followed groups (a sum; for distinct counts, a sum of
  // the groups' counts) and the events.
  const byStart = new Map();
  const groups = new Set();
  for (const w of windows) {
    const t = Date.parse(w.start);
    const slot = byStart.get(t) || { t, v: 0, events: 0, open: false, windows: [] };
    slot.v += topk ? w.events : Number(w.value) || 0;
    slot.events += w.events;
    slot.open = slot.open || !w.final;
    slot.windows.push(w);
    byStart.set(t, slot);
    groups.add(JSON.stringify(w.group));
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const shown = starts.slice(-MAX_WINDOWS_SHOWN);
  for (const t of starts.slice(0, -MAX_WINDOWS_SHOWN)) {
    for (const w of byStart.get(t).windows) state.windows.delete(windowKey(w));
  }
  const current = byStart.get(currentStart(shown, def));

  const end = current.t + durationMillis(def.window.size);
  const span = `${clock(current.t)} – ${clock(end)}` + (current.open ? " · open" : " · final");
  if (topk) {
    const leader = ranked(current)[0];
    $("kpi-label").textContent = "Leader, current window";
    $("kpi-value").classList.add("text");
    bump("kpi-value", leader ? leader.name : "–");
    $("kpi-window").textContent = leader ? `${formatNumber(leader.count)} · ${span}` : span;
  } else {
    $("kpi-label").textContent = `${fnName}, current window`;
    $("kpi-value").classList.remove("text");
    bump("kpi-value", formatNumber(current.v));
    $("kpi-window").textContent = span;
  }
  const elapsed = Math.max(1, Math.min(Date.now(), end) - current.t) / 1000;
  bump("kpi-events", formatNumber(current.events / elapsed));
  $("kpi-rate").textContent = `${formatNumber(current.events)} events in the window so far`;
  $("kpi-groups").textContent = `${groups.size} group${groups.size === 1 ? "" : "s"} followed`;

  $("chart-title").textContent = topk
    ? "Events per window"
    : `${fnName} per window${groups.size > 1 ? " · all followed groups" : ""}`;
  drawChart($("chart"), shown.map((t) => byStart.get(t)));
  renderBoard(current, topk);
  suggestValues(windows);
}

function clock(millis) {
  return new Date(millis).toLocaleTimeString([], { hour12: false });
}

/**
 * The current window's leaderboard, largest first: for top-K, its items summed over the followed
 * groups; otherwise the groups by value.
 */
function ranked(current) {
  let rows;
  if (state.definition.aggregate.fn === "topk") {
    const counts = new Map();
    for (const w of current.windows) {
      for (const item of w.value || []) counts.set(item.key, (counts.get(item.key) || 0) + item.count);
    }
    rows = [...counts].map(([name, count]) => ({ name, count }));
  } else {
    rows = current.windows.map((w) => ({ name: groupLabel(w.group), count: Number(w.value) || 0 }));
  }
  rows.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return rows.slice(0, BOARD_SIZE);
}

function renderBoard(current, topk) {
  const rows = ranked(current);
  $("board-title").textContent = topk ? "Top items, current window" : "Top groups, current window";
  const max = rows.length ? Math.max(1, rows[0].count) : 1;
  const list = $("leaderboard");
  list.replaceChildren(...rows.map((row, i) => {
    const li = document.createElement("li");
    li.innerHTML = `<span class="rank">${i + 1}</span><span class="name"></span>` +
      `<span class="count">${formatNumber(row.count)}</span>` +
      `<span class="track"><span class="fill" style="width:${(100 * row.count / max).toFixed(1)}%"></span></span>`;
    li.querySelector(".name").textContent = row.name;
    return li;
  }));
  $("board-empty").hidden = rows.length > 0;
}

function suggestValues(windows) {
  for (const dim of state.definition.groupBy || []) {
    const list = document.getElementById(`values-${dim}`);
    if (!list || list.childElementCount) continue;
    const values = [...new Set(windows.map((w) => w.group[dim]))].sort().slice(0, 200);
    list.replaceChildren(...values.map((v) => Object.assign(document.createElement("option"), { value: v })));
  }
}

function bump(id, text) {
  const node = $(id);
  if (node.textContent !== text) {
    node.textContent = text;
    node.classList.remove("bump");
    void node.offsetWidth;
    node.classList.add("bump");
  }
}

function select() {
  state.definition = state.metrics.get($("metric").value);
  $("description").textContent = describe(state.definition);
  const params = new URLSearchParams({ metric: state.definition.name, ...where() });
  history.replaceState(null, "", `?${params}`);
  $("leaderboard").replaceChildren();
  $("board-empty").hidden = false;
  drawChart($("chart"), []);
  connect();
}

async function main() {
  await loadMetrics();
  $("metric").addEventListener("change", () => {
    state.definition = state.metrics.get($("metric").value);
    history.replaceState(null, "", `?metric=${state.definition.name}`);
    renderFilters();
    select();
  });
  state.definition = state.metrics.get($("metric").value);
  renderFilters();
  select();
}

main().catch((e) => {
  setStatus("down", "error");
  console.error(e);
});
