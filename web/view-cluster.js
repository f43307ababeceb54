// The five nodes: an SVG of the links and the messages in flight, with an HTML card per
// node on top (state, role, term, buttons). The cards carry the page's testing contract:
// [data-node=N] with data-state (up/frozen/paused/killed), data-role and data-term (CP),
// data-side (partition side), and its [data-action=...] buttons.
import { NODES } from './reducer.js';

const SVG = 'http://www.w3.org/2000/svg';
// Pentagon centres in the 560x400 view, node 1 on top.
export const POSITIONS = { 1: [280, 56], 2: [436, 166], 3: [376, 352], 4: [184, 352], 5: [124, 166] };
// Okabe-Ito, for terms: term t gets TERM_COLOURS[t % 7].
export const TERM_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#555555'];
const MESSAGE_MS = 600;

const ACTIONS = [
  ['freeze', 'Freeze'], ['unfreeze', 'Unfreeze'], ['pause', 'Pause'], ['resume', 'Resume'], ['kill', 'Kill'], ['restart', 'Restart'],
];

function el(name, attrs = {}, ...children) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}
function svg(name, attrs = {}) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export function termColour(term) {
  return TERM_COLOURS[Number(term || 0) % TERM_COLOURS.length];
}

export function buildCluster(root, onAction) {
  const links = root.querySelector('#links');
  const cards = root.querySelector('#cards');
  const lines = {};
  for (const a of NODES) {
    for (const b of NODES) {
      if (b <= a) continue;
      const line = svg('line', { class: 'link', x1: POSITIONS[a][0], y1: POSITIONS[a][1], x2: POSITIONS[b][0], y2: POSITIONS[b][1] });
      links.appendChild(line);
      lines[`${a}-${b}`] = line;
    }
  }
  for (const n of NODES) {
    const g = svg('g', { class: 'svg-node', 'data-svg-node': n });
    g.appendChild(svg('circle', { cx: POSITIONS[n][0], cy: POSITIONS[n][1], r: 40 }));
    const label = svg('text', { x: POSITIONS[n][0], y: POSITIONS[n][1] + 6 });
    label.textContent = `node ${n}`;
    g.appendChild(label);
    links.appendChild(g);
  }
  const messages = svg('g', { id: 'messages' });
  links.appendChild(messages);
  for (const n of NODES) {
    const card = el('div', { class: 'node', 'data-node': n, 'data-state': 'up', 'data-role': '', 'data-term': '' });
    card.style.left = `${POSITIONS[n][0] - 78}px`;
    card.style.top = `${POSITIONS[n][1] - 52}px`;
    card.append(el('div', { class: 'title' }, `Node ${n} `, el('span', { class: 'state-label' })), el('div', { class: 'role' }), el('div', { class: 'detail' }));
    const buttons = el('div', { class: 'buttons' });
    for (const [action, label] of ACTIONS) {
      const button = el('button', { 'data-action': action, title: `${label} node ${n}` }, label);
      button.addEventListener('click', () => onAction({ action, node: n }));
      buttons.appendChild(button);
    }
    card.appendChild(buttons);
    cards.appendChild(card);
  }
  return { lines, messages, cards };
}

function sideOf(state, n) {
  if (!state.partition) return '';
  const i = state.partition.findIndex((g) => g.includes(n));
  return i < 0 ? '' : String.fromCharCode(65 + i);
}

function cardText(state, n) {
  const node = state.nodes[n];
  const s = node.status || {};
  const mode = state.mode;
  let role = '';
  let detail = '';
  if (mode === 'CP') {
    role = s.role ? s.role.toUpperCase() : '';
    // Applied lags commit only for a moment: say it only then (the card is narrow).
    detail = s.commit_index === undefined ? ''
      : s.applied_index === s.commit_index ? `commit ${s.commit_index}` : `commit ${s.commit_index} · applied ${s.applied_index}`;
  } else if (mode === 'CA') {
    role = 'participant';
    const locked = Number(s.locked_keys) || 0;
    const prepared = Array.isArray(s.prepared) ? s.prepared.length : 0;
    detail = `locks ${locked} · prepared ${prepared}`;
  } else if (mode === 'AP') {
    role = 'replica';
    const hints = (s.hints_held || []).reduce((a, h) => a + (h.hints || 0), 0);
    detail = `hints held ${hints} · repairs ${s.read_repairs ?? 0}`;
  }
  if (!node.connected && node.fault === 'up') detail = node.why || 'not reachable';
  return { role, detail, term: s.term };
}

export function renderCluster(view, state, allowed) {
  for (const n of NODES) {
    const node = state.nodes[n];
    const card = view.cards.querySelector(`[data-node="${n}"]`);
    const { role, detail, term } = cardText(state, n);
    // Touch the DOM only when the card changed: layout is what a page costs.
    const signature = JSON.stringify([role, detail, term, node.fault, node.connected, sideOf(state, n), state.mode, !!allowed('freeze')]);
    if (card.signature === signature) continue;
    card.signature = signature;
    card.dataset.state = node.fault;
    card.dataset.reachable = String(node.connected);
    card.dataset.side = sideOf(state, n);
    if (state.mode === 'CP') {
      card.dataset.role = node.status && node.status.role ? node.status.role : '';
      card.dataset.term = term !== undefined ? String(term) : '';
    } else {
      delete card.dataset.role;
      delete card.dataset.term;
    }
    const roleLine = card.querySelector('.role');
    roleLine.textContent = role;
    if (state.mode === 'CP' && term !== undefined) {
      const badge = el('span', { class: 'term', title: `term ${term}` }, `term ${term}`);
      badge.style.background = termColour(term);
      roleLine.append(' ', badge);
    }
    const label = card.querySelector('.state-label');
    label.textContent = card.dataset.side ? `${node.fault} · ${card.dataset.side}` : node.fault;
    label.title = card.dataset.side ? `partition side ${card.dataset.side}` : '';
    card.querySelector('.detail').textContent = detail;
    for (const button of card.querySelectorAll('button')) {
      const reason = allowed(button.dataset.action);
      button.disabled = !!reason;
      button.title = reason || `${button.textContent} node ${n}`;
    }
  }
  for (const [pair, line] of Object.entries(view.lines)) {
    const [a, b] = pair.split('-').map(Number);
    const cut = state.partition ? sideOf(state, a) !== sideOf(state, b) : false;
    const down = [a, b].some((n) => state.nodes[n].fault !== 'up');
    line.setAttribute('class', cut || down ? 'link cut' : 'link');
  }
  renderMessages(view, state);
}

// Each message a dot on its way: out along the link on send, back on reply. The dots are
// a fixed pool of circles, moved rather than rebuilt.
const MAX_DOTS = 60;
function renderMessages(view, state) {
  const g = view.messages;
  while (g.childNodes.length < MAX_DOTS) g.appendChild(svg('circle', { r: 6, visibility: 'hidden' }));
  const shown = state.messages.slice(-MAX_DOTS);
  g.childNodes.forEach((dot, i) => {
    const m = shown[i];
    if (!m) {
      if (dot.getAttribute('visibility') !== 'hidden') dot.setAttribute('visibility', 'hidden');
      return;
    }
    const p = Math.min(1, Math.max(0, (state.t - m.t) / MESSAGE_MS));
    const [x1, y1] = POSITIONS[m.from] || [0, 0];
    const [x2, y2] = POSITIONS[m.to] || [0, 0];
    dot.setAttribute('class', `msg ${m.phase}`);
    dot.setAttribute('cx', x1 + (x2 - x1) * p);
    dot.setAttribute('cy', y1 + (y2 - y1) * p);
    dot.setAttribute('visibility', 'visible');
    dot.dataset.type = m.type;
  });
}
