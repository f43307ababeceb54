// The page: follows the dashboard's event stream (or a recording), keeps one view state
// (reducer.js) and redraws at most ten times a second. Controls post to the dashboard API
// with the X-Requested-With header it requires.
import { fromSnapshot, initialState, reduce } from './reducer.js';
import { buildCluster, renderCluster } from './view-cluster.js';
import { renderLinks, renderPanel } from './view-panels.js';
import { buildTimeline, renderTimeline } from './view-timeline.js';
import { exportPng, exportSvg } from './export.js';

const root = document.getElementById('app');
let state = initialState();
let info = { root: true };
let replay = null; // {events, index} while a recording is shown
let dirty = true;

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'sysdist-dash' },
    body: JSON.stringify(body),
  });
  let answer = {};
  try { answer = await response.json(); } catch { /* not JSON */ }
  return { ok: response.ok, status: response.status, answer };
}

function allowed(action) {
  if (replay) return 'replaying a recording';
  if (info.faults_elsewhere) return info.faults_elsewhere;
  if (!info.root && ['freeze', 'unfreeze', 'partition', 'heal'].includes(action)) return info.root_needed;
  return '';
}

async function fault(request) {
  const { ok, answer } = await post('/api/fault', request);
  if (!ok) show(`${request.action}: ${answer.error || answer.output || 'failed'}`);
}

function show(text) {
  state.caption = { text, t: state.t };
  dirty = true;
}

const view = buildCluster(root, fault);
const charts = buildTimeline(root, Math.max(480, Math.min(900, window.innerWidth - 600)));

function apply(event) {
  state = reduce(state, event);
  dirty = true;
}

// The cards and messages redraw up to ten times a second; the panel, links and log twice;
// the timeline once a second (its resolution) -- the page shares the machine with
// the cluster it watches.
let slowDrawn = 0;
let timelineSecond = 0;
let logDrawn = null;
let slowPending = false;
function render() {
  const now = performance.now();
  const slow = now - slowDrawn >= 500;
  if (slowPending && slow) dirty = true;
  if (!dirty) return;
  dirty = false;
  root.dataset.mode = state.mode;
  root.dataset.leader = state.leader ? String(state.leader) : '';
  root.querySelector('#mode-badge').textContent = state.mode || '…';
  root.querySelector('#caption').textContent = state.caption.t && state.t - state.caption.t < 10000 ? state.caption.text : summary();
  renderCluster(view, state, allowed);
  slowPending = !slow;
  if (slow) {
    slowDrawn = now;
    renderPanel(root, state);
    renderLinks(root, state);
    if (logDrawn !== state.log[0] || filterChanged) renderLog();
  }
  const second = Math.floor(state.t / 1000);
  if (second !== timelineSecond || replay) {
    timelineSecond = second;
    renderTimeline(charts, state, root.querySelector('#timeline'));
  }
  const result = root.querySelector('[data-client="result"]');
  if (state.clientResult) {
    const r = state.clientResult;
    result.textContent = r.status ? `${r.status} ${r.body || ''} (node ${r.node}, ${r.ms} ms)` : `no answer: ${r.error}`;
    result.title = result.textContent; // the row shows its start
    result.dataset.status = String(r.status || 0);
  }
  const check = root.querySelector('#check-result');
  if (state.check) {
    check.textContent = state.check.phase === 'running' ? `running (${state.check.nemesis}, ${state.check.seconds} s)…` : state.check.valid ? 'VALID' : `NOT VALID: ${state.check.output.split('\n').filter((l) => /FAIL|window|valid/.test(l)).slice(0, 3).join(' / ')}`;
    check.title = state.check.output || '';
  }
  for (const b of root.querySelectorAll('#partition-panel button[data-action]')) {
    const reason = allowed(b.dataset.action);
    b.disabled = !!reason;
    b.title = reason || '';
  }
  root.querySelector('#root-reason').textContent = info.faults_elsewhere || (info.root ? '' : info.root_needed || '');
}

// What the caption says when nothing happened lately.
function summary() {
  const nodes = Object.values(state.nodes);
  const up = nodes.filter((n) => n.fault === 'up' && n.connected).length;
  const split = state.partition ? ` · split ${state.partition.map((g) => g.join(',')).join(' | ')}` : '';
  if (!state.mode) return 'Waiting for the cluster…';
  if (state.mode === 'CP') {
    const lead = state.leader ? `node ${state.leader} leads term ${state.nodes[state.leader].status.term}` : 'no leader';
    return `CP (Raft): ${lead} · ${up} of 5 nodes reachable${split}`;
  }
  if (state.mode === 'CA') return `CA (two-phase commit): every write needs all five · ${up} of 5 reachable${split}`;
  return `AP (sloppy quorum): writes need W replicas on any side · ${up} of 5 reachable${split}`;
}

let filterChanged = false;
function renderLog() {
  logDrawn = state.log[0];
  filterChanged = false;
  const filter = root.querySelector('#log-filter').value.trim().toLowerCase();
  const list = root.querySelector('#log');
  const items = [];
  for (const line of state.log) {
    const who = line.node ? `node ${line.node}` : 'dashboard';
    const text = `${new Date(line.t).toLocaleTimeString([], { hour12: false })} ${who}: ${line.text}`;
    if (filter && !text.toLowerCase().includes(filter)) continue;
    const li = document.createElement('li');
    li.className = line.level;
    li.textContent = text;
    items.push(li);
    if (items.length >= 120) break;
  }
  list.replaceChildren(...items);
}

// Live: the dashboard's stream. EventSource reconnects by itself and resumes (Last-Event-ID).
function follow() {
  const source = new EventSource('/api/events');
  source.addEventListener('snapshot', (e) => { if (!replay) apply({ type: 'snapshot', node: 0, data: JSON.parse(e.data) }); });
  source.addEventListener('ev', (e) => { if (!replay) apply(JSON.parse(e.data)); });
  source.addEventListener('gap', () => show('The page fell behind the cluster: starting again from a fresh picture'));
  source.onopen = () => { root.dataset.connected = 'true'; };
  source.onerror = () => { root.dataset.connected = 'false'; };
}

// Messages move between redraws: advance the view's clock while some are in flight.
function tick() {
  if (!replay && state.messages.length) {
    state.t = Math.max(state.t, Date.now());
    state.messages = state.messages.filter((m) => state.t - m.t < 700);
    dirty = true;
  }
  render();
}

function wireControls() {
  const q = (s) => root.querySelector(s);
  const client = async (op) => {
    const body = { op, key: q('[data-client="key"]').value, value: q('[data-client="value"]').value, node: Number(q('[data-client="node"]').value) };
    state.clientResult = null; // the answer shown is this one's
    q('[data-client="result"]').textContent = '…';
    q('[data-client="result"]').dataset.status = '';
    const { ok, answer } = await post('/api/client', body);
    if (!ok) {
      q('[data-client="result"]').textContent = answer.error || 'refused';
      return;
    }
    state.clientResult = answer;
    dirty = true;
  };
  q('[data-client="write"]').addEventListener('click', () => client('write'));
  q('[data-client="read"]').addEventListener('click', () => client('read'));
  const sides = () => [...root.querySelectorAll('input[data-pick]')];
  for (const preset of root.querySelectorAll('[data-preset]')) {
    preset.addEventListener('click', () => {
      const a = preset.dataset.preset === '2|3' ? [1, 2] : [1];
      for (const box of sides()) box.checked = a.includes(Number(box.dataset.pick));
    });
  }
  q('#partition-panel [data-action="partition"]').addEventListener('click', () => {
    const a = sides().filter((x) => x.checked).map((x) => Number(x.dataset.pick));
    const b = sides().filter((x) => !x.checked).map((x) => Number(x.dataset.pick));
    if (!a.length || !b.length) return show('A partition needs nodes on both sides');
    fault({ action: 'partition', groups: [a, b] });
  });
  q('#partition-panel [data-action="heal"]').addEventListener('click', () => fault({ action: 'heal' }));
  q('#load-toggle').addEventListener('click', async () => {
    const on = q('#load-toggle').dataset.load === 'off';
    const { ok, answer } = await post('/api/load', { clients: on ? Number(q('#load-clients').value) : 0, read_ratio: Number(q('#load-reads').value) });
    if (!ok) return show(answer.error);
    q('#load-toggle').dataset.load = on ? 'on' : 'off';
    q('#load-toggle').textContent = on ? 'Stop load' : 'Start load';
  });
  q('#check-run').addEventListener('click', async () => {
    const { ok, answer } = await post('/api/check', { seconds: Number(q('#check-seconds').value), nemesis: q('#check-nemesis').value });
    if (!ok) show(answer.error);
  });
  q('#log-filter').addEventListener('input', () => { dirty = true; filterChanged = true; });
  q('#export-svg').addEventListener('click', () => exportSvg(root, state));
  q('#export-png').addEventListener('click', () => exportPng(root, state));
  q('#replay-load').addEventListener('click', loadReplay);
  q('#replay-slider').addEventListener('input', (e) => seek(Number(e.target.value)));
}

async function listRecordings() {
  const response = await fetch('/api/recordings');
  if (!response.ok) return;
  const { recordings } = await response.json();
  const select = root.querySelector('#recordings');
  for (const r of recordings.sort((a, b) => (a.name < b.name ? 1 : -1))) {
    const option = document.createElement('option');
    option.value = r.name;
    option.textContent = `${r.name.replace('session-', '').replace('.jsonl', '')} (${Math.round(r.bytes / 1024)} KiB)`;
    select.append(option);
  }
}

// Replay: the recording's events, reduced from the start up to the slider's moment.
async function loadReplay() {
  const name = root.querySelector('#recordings').value;
  const slider = root.querySelector('#replay-slider');
  if (!name) {
    replay = null;
    slider.disabled = true;
    root.querySelector('#replay-badge').hidden = true;
    location.reload();
    return;
  }
  const text = await (await fetch(`/api/recordings/${encodeURIComponent(name)}`)).text();
  const events = text.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
  if (!events.length) return show('That recording is empty');
  replay = { events, from: events[0].t, to: events[events.length - 1].t };
  slider.min = String(replay.from);
  slider.max = String(replay.to);
  slider.value = String(replay.to);
  slider.disabled = false;
  root.querySelector('#replay-badge').hidden = false;
  seek(replay.to);
}

function seek(until) {
  let s = fromSnapshot({ mode: '', nodes: [] }, replay.from);
  for (const event of replay.events) {
    if (event.t > until) break;
    s = reduce(s, event);
  }
  s.t = until;
  state = s;
  dirty = true;
}

async function start() {
  try {
    info = await (await fetch('/api/info')).json();
  } catch { /* the stream will tell */ }
  wireControls();
  follow();
  listRecordings();
  setInterval(tick, 100);
}

start();
