// A small time-series chart in inline SVG: one point per window (its start), an area under a
// line, a few grid lines with round labels. Open windows are hollow dots.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function niceStep(max, ticks) {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw);
  return unit * power;
}

export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1e6) return (value / 1e6).toFixed(abs >= 1e7 ? 0 : 1) + "M";
  if (abs >= 1e4) return (value / 1e3).toFixed(abs >= 1e5 ? 0 : 1) + "k";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function timeLabel(millis) {
  const d = new Date(millis);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** points: [{t: start millis, v: value, open: bool}], sorted by t. */
export function drawChart(container, points) {
  const width = 640, height = 300;
  const pad = { left: 48, right: 30, top: 14, bottom: 26 };
  container.replaceChildren();
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none" }, container);
  if (points.length === 0) {
    el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis" }, svg)
      .textContent = "No windows yet";
    return;
  }
  const max = Math.max(1, ...points.map((p) => p.v));
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;
  const t0 = points[0].t, t1 = points[points.length - 1].t;
  const x = (t) => pad.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);

  for (let v = 0; v <= top + step / 2; v += step) {
    el("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: "grid" }, svg);
    el("text", { x: pad.left - 8, y: y(v) + 4, "text-anchor": "end", class: "axis" }, svg)
      .textContent = formatNumber(v);
  }
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % labelEvery === 0 || i === points.length - 1) {
      el("text", { x: x(p.t), y: height - 6, "text-anchor": "middle", class: "axis" }, svg)
        .textContent = timeLabel(p.t);
    }
  });

  const line = points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join("");
  const base = y(0).toFixed(1);
  el("path", { d: `${line}L${x(t1).toFixed(1)},${base}L${x(t0).toFixed(1)},${base}Z`, class: "area" }, svg);
  el("path", { d: line, class: "line" }, svg);
  for (const p of points) {
    el("circle", { cx: x(p.t), cy: y(p.v), r: 3.5, class: p.open ? "dot open" : "dot" }, svg);
  }
}
