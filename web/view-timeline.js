// The timeline: client operations per second by outcome, and p50/p99 latency, over the last
// 60 s (uPlot, vendored from npm with its licence). Fault periods are shaded, elections,
// commits and checks marked with vertical lines, a failing check's window outlined.
import uPlot from './vendor/uplot/uPlot.esm.js';
import { OUTCOMES, timelineSeries } from './reducer.js';

const COLOURS = { '2xx': '#009E73', 404: '#56B4E9', 412: '#CC79A7', 422: '#D55E00', 503: '#E69F00', 504: '#0072B2', timeout: '#555555', other: '#111111' };
const SHADES = { frozen: 'rgba(86,180,233,0.18)', paused: 'rgba(240,228,66,0.25)', killed: 'rgba(0,0,0,0.12)', partition: 'rgba(213,94,0,0.14)' };
const MARKS = { election: '#0072B2', commit: 'rgba(0,158,115,0.25)', abort: '#D55E00', check: '#CC79A7' };

let current = null; // the state the charts draw (for the hooks)

function shade(u) {
  if (!current) return;
  const { ctx } = u;
  const top = u.bbox.top;
  const height = u.bbox.height;
  const x = (ms) => u.valToPos(ms / 1000, 'x', true);
  ctx.save();
  for (const f of current.faults) {
    const from = Math.max(x(f.from), u.bbox.left);
    const to = Math.min(x(f.to ?? current.t), u.bbox.left + u.bbox.width);
    if (to <= from) continue;
    ctx.fillStyle = SHADES[f.kind] || SHADES.partition;
    ctx.fillRect(from, top, to - from, height);
  }
  if (current.check && current.check.valid === false) {
    ctx.strokeStyle = '#D55E00';
    ctx.lineWidth = 3;
    const from = x(current.check.from);
    ctx.strokeRect(from, top + 2, x(current.check.to ?? current.t) - from, height - 4);
  }
  for (const m of current.marks) {
    if (m.kind === 'commit') continue; // too many under load to draw; counted in the bars
    const at = x(m.t);
    if (at < u.bbox.left || at > u.bbox.left + u.bbox.width) continue;
    ctx.strokeStyle = MARKS[m.kind];
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(at, top);
    ctx.lineTo(at, top + height);
    ctx.stroke();
  }
  ctx.restore();
}

// Never a flat axis: at least 0..floor (a cluster idling at 1 ms still shows its scale).
const atLeast = (floor) => (u, min, max) => [0, Math.max(floor, (max || 0) * 1.15)];

function options(width, height, series, floor) {
  return {
    width, height,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: { range: atLeast(floor) } },
    axes: [
      { font: '13px sans-serif', space: 70, values: (u, vals) => vals.map((v) => new Date(v * 1000).toLocaleTimeString([], { hour12: false })) },
      // Three labelled lines (0, half, top) whatever the chart's height.
      { font: '13px sans-serif', size: 56, splits: (u, i, min, max) => [0, max / 2, max],
        values: (u, vals) => vals.map((v) => (v >= 100 ? Math.round(v).toLocaleString() : v.toFixed(1))) },
    ],
    series: [{}, ...series],
    hooks: { drawClear: [shade] },
  };
}

export function buildTimeline(root, width) {
  const opsSeries = OUTCOMES.map((o) => ({ label: o === '2xx' ? '200/201' : o, stroke: COLOURS[o], width: 2, dash: o === 'other' ? [4, 4] : o === 'timeout' ? [2, 3] : undefined }));
  const latencySeries = [{ label: 'p50', stroke: '#0072B2', width: 2 }, { label: 'p99', stroke: '#D55E00', width: 2, dash: [6, 3] }];
  const empty = (n) => [[], ...Array.from({ length: n }, () => [])];
  const ops = new uPlot(options(width, 100, opsSeries, 10), empty(OUTCOMES.length), root.querySelector('#ops-chart'));
  const latency = new uPlot(options(width, 110, latencySeries, 2), empty(2), root.querySelector('#latency-chart'));
  return { ops, latency };
}

export function renderTimeline(charts, state, box) {
  current = state;
  const s = timelineSeries(state);
  // For tests and screen readers: what the last five seconds counted.
  box.setAttribute('data-ok-last-5s', String(s.bySeries['2xx'].slice(-5).reduce((a, b) => a + b, 0)));
  charts.ops.setData([s.xs, ...OUTCOMES.map((o) => s.bySeries[o])]);
  charts.latency.setData([s.xs, s.p50, s.p99]);
}
