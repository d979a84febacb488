// Small SVG bar charts, drawn from numbers the back end already summed: no chart
// library, no remote code, readable in both themes (bars use the accent colour).

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function hours(seconds) {
  return (seconds / 3600).toFixed(seconds >= 36000 ? 0 : 1);
}

/** Vertical bars, one per item ({label, seconds}), e.g. hours by day. */
export function columnChart(items, { id, title, width = 720, height = 200 }) {
  const chart = svg("svg", { id, viewBox: `0 0 ${width} ${height + 30}`, role: "img", class: "chart", "aria-label": title });
  chart.append(svg("title", {}, title));
  const max = Math.max(1, ...items.map((i) => i.seconds));
  const slot = width / Math.max(1, items.length);
  items.forEach((item, n) => {
    const h = Math.max(1, (item.seconds / max) * height);
    const bar = svg("rect", { x: n * slot + slot * 0.15, y: height - h, width: slot * 0.7, height: h, class: "bar" });
    bar.append(svg("title", {}, `${item.label}: ${hours(item.seconds)} h`));
    chart.append(bar);
  });
  const step = Math.ceil(items.length / 8);
  items.forEach((item, n) => {
    if (n % step === 0) {
      chart.append(svg("text", { x: n * slot + slot / 2, y: height + 18, "text-anchor": "middle", class: "axis" }, item.label));
    }
  });
  return chart;
}

/** Horizontal bars with labels and hours, e.g. hours by project. */
export function barList(items, { id, title }) {
  const max = Math.max(1, ...items.map((i) => i.seconds));
  const rowHeight = 26;
  const width = 420;
  const chart = svg("svg", { id, viewBox: `0 0 ${width} ${Math.max(1, items.length) * rowHeight}`, role: "img", class: "chart bars", "aria-label": title });
  chart.append(svg("title", {}, title));
  items.forEach((item, n) => {
    const y = n * rowHeight;
    chart.append(svg("text", { x: 0, y: y + 17, class: "axis" }, item.label));
    chart.append(svg("rect", { x: 170, y: y + 5, width: Math.max(1, (item.seconds / max) * 190), height: 16, class: "bar" }));
    chart.append(svg("text", { x: width, y: y + 17, "text-anchor": "end", class: "axis" }, `${hours(item.seconds)} h`));
  });
  return chart;
}
