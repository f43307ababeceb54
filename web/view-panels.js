// The mode's own panel (CP: log strips, replication progress, votes; CA: transaction lanes
// and locks; AP: ring ownership, the last operation's preference list, hints, repairs and
// the keys x nodes table), and the link-health matrix. Rebuilt from the state each time.
import { NODES, copiesTable } from './reducer.js';
import { termColour } from './view-cluster.js';

function el(name, attrs = {}, ...children) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}

function table(head, rows) {
  const t = el('table');
  t.append(el('tr', {}, ...head.map((h) => el('th', {}, h))));
  for (const r of rows) t.append(r);
  return t;
}

function cpPanel(state) {
  const box = el('div', { 'data-panel': 'CP' });
  box.append(el('h2', {}, 'Raft log, last 20 indexes ', el('small', {}, '(colour = term; hatched = not committed; underline = applied; red edge = snapshot)')));
  for (const n of NODES) {
    const s = state.nodes[n].status || {};
    const strip = el('div', { class: 'strip', 'data-log-strip': n }, el('span', { class: 'who' }, `node ${n}`));
    const tail = Array.isArray(s.log_tail) ? s.log_tail : [];
    const first = (s.last_index || 0) - tail.length + 1;
    tail.forEach((term, i) => {
      const index = first + i;
      const classes = ['cell'];
      if (index > s.commit_index) classes.push('uncommitted');
      if (index <= s.applied_index) classes.push('applied');
      if (index === s.snapshot_index + 1) classes.push('snapshot');
      const cell = el('span', { class: classes.join(' '), title: `index ${index}, term ${term}` });
      cell.style.background = term === null ? '#fff' : termColour(term);
      strip.append(cell);
    });
    strip.append(el('span', { class: 'legend' }, ` ${s.last_index ?? ''}`));
    box.append(strip);
  }
  const leader = state.leader && state.nodes[state.leader].status;
  if (leader && Array.isArray(leader.followers)) {
    box.append(el('h2', {}, `Leader ${state.leader}: replication`));
    const followers = leader.followers;
    const timer = (f) => {
      const s = state.nodes[f.node].status || {};
      return s.election_in_ms !== undefined && state.nodes[f.node].fault === 'up' ? `${s.election_in_ms} ms` : '—';
    };
    box.append(table(['follower', ...followers.map((f) => String(f.node))], [
      el('tr', {}, el('th', {}, 'match index'), ...followers.map((f) => el('td', {}, f.match_index))),
      el('tr', {}, el('th', {}, 'next index'), ...followers.map((f) => el('td', {}, f.next_index))),
      el('tr', {}, el('th', {}, 'election timer'), ...followers.map((f) => el('td', {}, timer(f)))),
    ]));
    box.append(el('p', { class: 'legend' }, `forwarded writes (all nodes): ${NODES.reduce((a, n) => a + ((state.nodes[n].status || {}).forwarded || 0), 0)} · read-index rounds: ${leader.read_index_rounds ?? 0}`));
  }
  if (state.cp.votes.length) {
    box.append(el('h2', {}, 'Votes'));
    box.append(el('p', { class: 'legend' }, state.cp.votes.slice(0, 6).map((v) => `${v.pre ? 'pre-vote ' : ''}term ${v.term}: node ${v.voter} ${v.granted ? 'granted' : 'denied'} node ${v.candidate}`).join(' · ')));
  }
  return box;
}

function caPanel(state) {
  const box = el('div', { 'data-panel': 'CA' });
  box.append(el('h2', {}, 'Transactions ', el('small', {}, '(newest first; Y = voted yes)')));
  const rows = state.txns.map((x) => el('tr', { 'data-txn': x.id, 'data-decision': x.decision || '' },
    el('td', {}, x.id), el('td', {}, x.coordinator ?? '?'), el('td', {}, x.key),
    ...NODES.map((n) => {
      const v = x.votes[n];
      return el('td', { class: `vote-${v || 'missing'}`, 'data-vote': v || '' }, v === 'yes' ? 'Y' : v === 'no' ? 'N' : v ? '?' : '·');
    }),
    el('td', { class: x.decision === 'ABORT' ? 'decision-abort' : x.decision === 'COMMIT' ? 'decision-commit' : '' }, x.decision || x.phase),
    el('td', {}, `${x.ms !== null && x.ms !== undefined ? `${x.ms} ms` : '…'}${x.timeout ? ` / ${x.timeout}` : ''}`)));
  box.append(table(['txn', 'coord.', 'key', '1', '2', '3', '4', '5', 'decision', 'took / timeout'], rows));
  const why = state.txns.find((x) => x.decision === 'ABORT');
  if (why) box.append(el('p', { class: 'legend' }, `last abort: ${why.why || ''}`));
  box.append(el('h2', {}, 'Locks and prepared transactions per node'));
  // Only the nodes that hold something: five rows of dashes pushed the ones that matter
  // out of the panel on a 720-line screen.
  const holding = NODES.map((n) => {
    const s = state.nodes[n].status || {};
    const prepared = Array.isArray(s.prepared) ? s.prepared.map((p) => `${p.id} ('${p.key}', ${p.age_ms} ms)`) : [];
    return { n, locks: s.locked_keys ?? 0, prepared };
  }).filter((x) => x.locks > 0 || x.prepared.length > 0);
  if (!holding.length) box.append(el('p', {}, 'None: no node holds a lock or a prepared transaction.'));
  else box.append(table(['node', 'locks', 'prepared: txn (key, age) — old ones are in doubt'], holding.map((x) =>
    el('tr', {}, el('td', {}, x.n), el('td', {}, x.locks), el('td', {}, x.prepared.join(', ') || '—')))));
  return box;
}

function ring(state) {
  const s = NODES.map((n) => state.nodes[n].status).find((x) => x && x.ring_ownership);
  const shares = s ? s.ring_ownership.map((o) => parseFloat(o.share) || 0) : NODES.map(() => 20);
  const colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '-60 -60 120 120');
  svg.setAttribute('width', '86');
  svg.setAttribute('height', '86');
  svg.setAttribute('aria-label', 'Ring ownership');
  const total = shares.reduce((a, b) => a + b, 0) || 1;
  let angle = -Math.PI / 2;
  shares.forEach((share, i) => {
    const next = angle + (2 * Math.PI * share) / total;
    const large = next - angle > Math.PI ? 1 : 0;
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', `M ${50 * Math.cos(angle)} ${50 * Math.sin(angle)} A 50 50 0 ${large} 1 ${50 * Math.cos(next)} ${50 * Math.sin(next)}`);
    path.setAttribute('stroke', colours[i]);
    path.setAttribute('stroke-width', '14');
    path.setAttribute('fill', 'none');
    const title = document.createElementNS(NS, 'title');
    title.textContent = `node ${i + 1}: ${share}% of the ring`;
    path.append(title);
    svg.append(path);
    const mid = (angle + next) / 2;
    const label = document.createElementNS(NS, 'text');
    label.setAttribute('x', 30 * Math.cos(mid));
    label.setAttribute('y', 30 * Math.sin(mid) + 5);
    label.setAttribute('text-anchor', 'middle');
    label.setAttribute('font-size', '13');
    label.textContent = String(i + 1);
    svg.append(label);
    angle = next;
  });
  return svg;
}

function apPanel(state) {
  const box = el('div', { 'data-panel': 'AP' });
  const s = NODES.map((n) => state.nodes[n].status).find((x) => x && x.write_quorum);
  const head = el('div', { class: 'strip' }, ring(state));
  const op = state.ap.lastPut;
  const facts = el('div');
  if (s) facts.append(el('p', {}, `N=${s.replicas} · W=${s.write_quorum} · R=${s.read_quorum}`));
  if (op) {
    const list = el('p', {}, `last write '${op.key}' via node ${op.coordinator}: preference list `);
    for (const n of op.targets.length ? op.targets : op.preference) {
      const standIn = !op.preference.includes(n);
      list.append(el('span', { class: `chip ${standIn ? 'standin' : ''}`, 'data-replica': n, title: standIn ? 'a stand-in (sloppy quorum)' : 'on the preference list' }, n), ' ');
    }
    list.append(`→ stored on ${op.stored_on.length} of W=${op.W}: ${op.status ?? '…'}`);
    facts.append(list);
  }
  const get = state.ap.lastGet;
  if (get) facts.append(el('p', {}, `last read '${get.key}' via node ${get.coordinator}: ${get.answers} of R=${get.R} answered`));
  const hints = NODES.map((n) => [n, ((state.nodes[n].status || {}).hints_held || []).map((h) => `${h.hints} for ${h.for}`).join(', ')]).filter(([, h]) => h);
  facts.append(el('p', { class: 'legend' }, `hints held: ${hints.map(([n, h]) => `node ${n}: ${h.replace(/127\.0\.0\.\d+:300(\d)/g, 'node $1')}`).join(' · ') || 'none'}`));
  const recent = [...state.ap.repairs.map((r) => `repair → node ${r.node} '${r.key}'`), ...state.ap.handoffs.map((h) => `handoff ${h.from} → ${h.to} (${h.hints})`), ...state.ap.antiEntropy.filter((a) => a.pulled || a.pushed).map((a) => `anti-entropy ${a.node}↔${a.peer}: pulled ${a.pulled}, pushed ${a.pushed}`)];
  facts.append(el('p', { class: 'legend' }, recent.slice(0, 4).join(' · ') || 'no repairs yet'));
  head.append(facts);
  box.append(head);
  const copies = copiesTable(state.ap.dumps);
  box.append(el('h2', {}, 'Copies per node ', el('small', {}, '(red: older than the newest copy — stale)')));
  box.append(table(['key', ...NODES.map(String)], copies.rows.map((r) => el('tr', { 'data-key': r.key },
    el('td', {}, r.key), ...r.copies.map((c, i) => el('td', { class: c.stale ? 'stale' : '', 'data-copy': NODES[i], 'data-stale': String(c.stale) }, c.value === undefined ? '—' : c.value))))));
  return box;
}

export function renderPanel(root, state) {
  const panel = root.querySelector('#panel');
  const body = state.mode === 'CP' ? cpPanel(state) : state.mode === 'CA' ? caPanel(state) : state.mode === 'AP' ? apPanel(state) : el('p', {}, 'Waiting for the nodes…');
  panel.replaceChildren(body);
}

// Row: from; column: to; a cell is the share of calls that failed in the last heartbeat.
export function renderLinks(root, state) {
  const box = root.querySelector('#links-health');
  const rows = NODES.map((from) => el('tr', {}, el('th', {}, from), ...NODES.map((to) => {
    if (from === to) return el('td', { class: 'link-none' }, '');
    const l = state.nodes[from].links[to];
    const reachable = state.nodes[from].connected && state.nodes[from].fault === 'up';
    if (!l || !reachable) return el('td', { class: 'link-none', 'data-link': `${from}-${to}` }, '?');
    // A follower calls nobody: idle links are not failing ones.
    const idle = l.sent === 0 && /never|none/.test(l.last || 'never');
    const bad = !idle && (l.failed > 0 || (l.sent === 0 && !/^2\d\d$/.test(l.last || '')));
    const [cls, mark] = idle ? ['link-none', '·'] : bad ? ['link-bad', '✗'] : ['link-ok', '✓'];
    return el('td', { class: cls, 'data-link': `${from}-${to}`, 'data-health': idle ? 'idle' : bad ? 'failing' : 'ok', title: `last call: ${l.last}` }, mark);
  })));
  const t = table(['from \\ to', ...NODES.map(String)], rows);
  box.replaceChildren(el('h2', {}, 'Links ', el('small', {}, '(calls from row to column: ✓ answered, ✗ failing, · none)')), t);
}
