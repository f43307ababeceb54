// The page's view state, built from the dashboard's events by pure functions: no DOM, no
// clock (every event carries its time `t`), so the same events always give the same view
// (live, in a replay, and in tests under `node --test`).
//
// An event is {type, node, t, data}: node 1-5 for a node's own events (its /admin/events),
// 0 for the dashboard's (faults, feeds, actions). "snapshot" starts over from the
// dashboard's picture of the cluster.

export const NODES = [1, 2, 3, 4, 5];
// 'timeout': requests of the dashboard's own clients (load, client panel) that got no answer.
export const OUTCOMES = ['2xx', '404', '412', '422', '503', '504', 'timeout', 'other'];
const MAX_LOG = 300;
const MAX_TXNS = 10;
const MAX_MARKS = 200;
const TIMELINE_SECONDS = 60;
const MESSAGE_MS = 700; // how long a message's arrow stays drawn

export function initialState() {
  const nodes = {};
  for (const n of NODES) {
    nodes[n] = { n, status: null, connected: false, why: 'not heard from yet', fault: 'up', lastT: 0, links: {} };
  }
  return {
    mode: '',
    t: 0,
    nodes,
    partition: null, // [[1,2],[3,4,5]] while the network is split
    leader: null,
    messages: [], // {id, from, to, type, t, phase}
    log: [],
    caption: { text: 'Waiting for the cluster…', t: 0 },
    seconds: {}, // second -> {counts: {outcome: n}, p50, p99}
    marks: [], // {t, kind: 'election'|'commit'|'abort'|'check', text}
    faults: [], // {kind, node, from, to}: periods to shade
    txns: [], // CA lanes, newest first
    ap: { lastPut: null, lastGet: null, repairs: [], handoffs: [], antiEntropy: [], dumps: null },
    cp: { votes: [] },
    check: null,
    load: null,
    clientResult: null,
  };
}

// Applies one event; returns the state (changed in place: the page keeps one).
export function reduce(state, event) {
  if (!event || typeof event !== 'object') return state;
  const { type, node, data = {} } = event;
  const t = Number(event.t) || state.t;
  state.t = Math.max(state.t, t);
  if (type === 'snapshot' && !node) return fromSnapshot(data, t, state);
  const handler = node >= 1 && node <= 5 ? nodeHandlers[type] : dashHandlers[type];
  if (handler) handler(state, state.nodes[node], data, t);
  if (type === 'log' && node >= 1 && node <= 5) addLog(state, t, node, data.level || 'info', data.text || '');
  expire(state);
  return state;
}

// A fresh picture of the cluster; what the page drew over time (timeline, marks, log,
// transactions) is kept from `previous` when there is one.
export function fromSnapshot(snapshot, t = 0, previous = null) {
  const state = initialState();
  if (previous) {
    for (const key of ['seconds', 'marks', 'log', 'txns', 'check', 'load']) state[key] = previous[key];
    state.faults = previous.faults.map((f) => (f.to === null ? { ...f, to: t } : f)); // reopened below if still on
  }
  state.mode = snapshot.mode || '';
  state.t = Number(snapshot.t) || t;
  for (const entry of snapshot.nodes || []) {
    const node = state.nodes[entry.node];
    if (!node) continue;
    if (entry.status) setStatus(state, node, entry.status, state.t);
    if (entry.feed) setFeed(node, entry.feed);
  }
  if (snapshot.faults && snapshot.faults.nodes) setFaults(state, snapshot.faults, state.t);
  state.leader = leaderOf(state);
  return state;
}

// The leader the page shows: a reachable node that says it leads, in the highest term.
export function leaderOf(state) {
  let best = null;
  for (const n of NODES) {
    const node = state.nodes[n];
    const s = node.status;
    if (!s || s.role !== 'leader' || node.fault !== 'up' || !node.connected) continue;
    if (!best || s.term > state.nodes[best].status.term) best = n;
  }
  return best;
}

export function outcomeOf(status) {
  const code = Number(status);
  if (code >= 200 && code < 300) return '2xx';
  const name = String(code);
  return OUTCOMES.includes(name) ? name : 'other';
}

function setStatus(state, node, status, t) {
  const before = node.status;
  node.status = status;
  node.lastT = t;
  if (status.mode) state.mode = status.mode;
  if (status.links && Array.isArray(status.links.peers)) {
    for (const p of status.links.peers) node.links[p.node] = { sent: p.sent, failed: p.failed, last: p.last };
  }
  return before;
}

function setFeed(node, feed) {
  node.connected = !!feed.connected;
  node.why = feed.connected ? '' : feed.why || 'not reachable';
}

function setFaults(state, faults, t) {
  for (const n of NODES) {
    const node = state.nodes[n];
    const now = (faults.nodes && faults.nodes[String(n)]) || 'up';
    if (now !== node.fault) {
      endFault(state, 'node', n, t);
      if (now !== 'up') state.faults.push({ kind: now, node: n, from: t, to: null });
      if (state.t > 0) setCaption(state, t, faultCaption(n, now, node.fault));
    }
    node.fault = now;
  }
  const split = Array.isArray(faults.partition) ? faults.partition : null;
  if (JSON.stringify(split) !== JSON.stringify(state.partition)) {
    endFault(state, 'partition', 0, t);
    if (split) {
      state.faults.push({ kind: 'partition', node: 0, from: t, to: null });
      setCaption(state, t, `Network split: ${split.map((g) => g.join(',')).join(' | ')} — packets between the sides are dropped`);
    } else if (state.partition) {
      setCaption(state, t, 'Network healed: every node can reach every other again');
    }
  }
  state.partition = split;
}

function endFault(state, kind, node, t) {
  for (const f of state.faults) {
    if (f.to !== null) continue;
    if (kind === 'partition' ? f.kind === 'partition' : f.node === node) f.to = t;
  }
}

function faultCaption(n, now, before) {
  if (now === 'frozen') return `Node ${n} frozen: every packet from and to it is dropped`;
  if (now === 'paused') return `Node ${n} paused (SIGSTOP): it holds its connections but answers nothing`;
  if (now === 'killed') return `Node ${n} killed (kill -9)`;
  if (before === 'killed') return `Node ${n} restarted: it recovers from its disk and rejoins`;
  return `Node ${n} is back (${before} → up)`;
}

function setCaption(state, t, text) {
  state.caption = { text, t };
}

function addLog(state, t, node, level, text) {
  state.log.unshift({ t, node, level, text });
  if (state.log.length > MAX_LOG) state.log.length = MAX_LOG;
}

function mark(state, t, kind, text) {
  state.marks.push({ t, kind, text });
  if (state.marks.length > MAX_MARKS) state.marks.shift();
}

function addSecond(state, t, clients) {
  if (!clients || !clients.by_status) return;
  const second = Math.floor(t / 1000);
  const bucket = (state.seconds[second] ||= { counts: {}, p50: 0, p99: 0 });
  for (const [status, n] of Object.entries(clients.by_status)) {
    const o = outcomeOf(status);
    bucket.counts[o] = (bucket.counts[o] || 0) + Number(n);
  }
  // Across nodes and heartbeats of the second: the highest, so a slow node shows.
  if (Object.keys(clients.by_status).length > 0) {
    bucket.p50 = Math.max(bucket.p50, Number(clients.p50_ms) || 0);
    bucket.p99 = Math.max(bucket.p99, Number(clients.p99_ms) || 0);
  }
}

function expire(state) {
  const oldest = Math.floor(state.t / 1000) - TIMELINE_SECONDS - 5;
  for (const s of Object.keys(state.seconds)) if (Number(s) < oldest) delete state.seconds[s];
  state.messages = state.messages.filter((m) => state.t - m.t < MESSAGE_MS);
  state.faults = state.faults.filter((f) => f.to === null || f.to > (oldest - 5) * 1000);
}

function txnLane(state, id) {
  let lane = state.txns.find((x) => x.id === id);
  if (!lane) {
    lane = { id, coordinator: null, key: '', phase: 'propose', votes: {}, decision: null, ms: null, t: state.t };
    state.txns.unshift(lane);
    if (state.txns.length > MAX_TXNS) state.txns.length = MAX_TXNS;
  }
  return lane;
}

const nodeHandlers = {
  snapshot: (state, node, data, t) => setStatus(state, node, data, t),
  state: (state, node, data, t) => {
    const before = setStatus(state, node, data, t);
    addSecond(state, t, data.clients);
    if (before && data.commit_index > before.commit_index && data.role === 'leader') {
      const n = data.commit_index - before.commit_index;
      if (n > 0) mark(state, t, 'commit', `${n} committed`);
    }
    state.leader = leaderOf(state);
  },
  role: (state, node, data, t) => {
    node.status = { ...(node.status || {}), role: data.role, term: data.term, leader: data.leader };
    if (data.role === 'leader') {
      mark(state, t, 'election', `node ${node.n} leads term ${data.term}`);
      setCaption(state, t, `Node ${node.n} won the election: leader of term ${data.term}`);
    } else if (data.role === 'candidate') {
      setCaption(state, t, `Node ${node.n} heard no leader in time: candidate for term ${data.term}, asking for votes`);
    } else if (data.why === 'stepped down') {
      setCaption(state, t, `Node ${node.n} stepped down in term ${data.term}`);
    }
    state.leader = leaderOf(state);
  },
  vote: (state, node, data, t) => {
    if (data.id !== undefined) {
      // CA: a participant's vote on a transaction
      const lane = txnLane(state, data.id);
      lane.key = lane.key || data.key;
      lane.votes[node.n] = data.vote;
      return;
    }
    state.cp.votes.unshift({ t, voter: node.n, candidate: data.candidate, term: data.term, granted: data.granted, pre: data.pre_vote });
    if (state.cp.votes.length > 12) state.cp.votes.length = 12;
  },
  check_quorum: (state, node, data, t) => {
    setCaption(state, t, `Node ${node.n} lost touch with a majority (CheckQuorum): it steps down, term ${data.term}`);
  },
  election: (state, node, data, t) => {
    const known = state.leader && state.nodes[state.leader].status && state.nodes[state.leader].status.term >= data.term;
    if (data.phase === 'vote_result' && !data.won && !known) setCaption(state, t, `Node ${node.n} lost the election for term ${data.term} (${data.granted} votes)`);
  },
  client: (state, node, data, t) => {},
  msg: (state, node, data, t) => {
    if (data.phase === 'send') state.messages.push({ id: `${node.n}.${data.id}`, from: node.n, to: data.to, type: data.type, t, phase: 'send' });
    else state.messages.push({ id: `${node.n}.${data.id}r`, from: data.to, to: node.n, type: data.type, t, phase: data.phase, status: data.status });
  },
  txn: (state, node, data, t) => {
    const lane = txnLane(state, data.id);
    lane.coordinator = node.n;
    if (data.key) lane.key = data.key;
    if (data.phase === 'propose') {
      lane.t = t;
      lane.timeout = data.timeout_ms;
      setCaption(state, t, `Node ${node.n} coordinates txn ${data.id}: PROPOSE '${data.key}' to every node`);
      return;
    }
    lane.phase = data.phase;
    lane.decision = data.phase === 'commit' ? 'COMMIT' : 'ABORT';
    lane.ms = data.ms;
    (data.votes || []).forEach((v, i) => { lane.votes[i + 1] = v; });
    lane.why = data.why;
    mark(state, t, data.phase === 'commit' ? 'commit' : 'abort', `txn ${data.id} ${lane.decision}`);
    setCaption(state, t, data.phase === 'commit'
      ? `Txn ${data.id}: all five voted yes → COMMIT (${data.ms} ms)`
      : `Txn ${data.id}: ABORT — ${data.why} → 422`);
  },
  decided: (state, node, data) => {
    const lane = txnLane(state, data.id);
    lane.decided = lane.decided || {};
    lane.decided[node.n] = data.decision;
  },
  in_doubt: (state, node, data, t) => {
    const lane = txnLane(state, data.id);
    lane.inDoubt = lane.inDoubt || {};
    lane.inDoubt[node.n] = data.learned;
    setCaption(state, t, `Node ${node.n} is in doubt about txn ${data.id}: asked around, learned ${data.learned}`);
  },
  put: (state, node, data, t) => {
    state.ap.lastPut = { coordinator: node.n, key: data.key, preference: data.preference || [], targets: data.targets || [], W: data.W, stored_on: [], status: null, t };
  },
  put_done: (state, node, data, t) => {
    const put = state.ap.lastPut && state.ap.lastPut.key === data.key ? state.ap.lastPut : (state.ap.lastPut = { coordinator: node.n, key: data.key, preference: [], targets: [] });
    put.stored_on = data.stored_on || [];
    put.status = data.status;
    setCaption(state, t, `PUT '${data.key}' via node ${node.n}: stored on ${put.stored_on.join(',') || 'none'} (W=${data.W}) → ${data.status}`);
    mark(state, t, data.status === 201 ? 'commit' : 'abort', `put ${data.key} ${data.status}`);
  },
  stand_in: (state, node, data, t) => {
    const put = state.ap.lastPut;
    if (put && put.key === data.key) put.targets = [...new Set([...put.targets, data.spare])];
    setCaption(state, t, `Node ${data.failed} did not answer: node ${data.spare} stands in${data.hint_for ? ` and keeps a hint for node ${data.hint_for}` : ''}`);
  },
  get: (state, node, data, t) => {
    state.ap.lastGet = { coordinator: node.n, key: data.key, preference: data.preference || [], answers: data.answers, R: data.R, t };
  },
  repair: (state, node, data, t) => {
    state.ap.repairs.unshift({ t, by: node.n, node: data.node, key: data.key });
    state.ap.repairs.length = Math.min(state.ap.repairs.length, 8);
    setCaption(state, t, `Read repair: node ${data.node} had an older '${data.key}'; node ${node.n} sends it the newest`);
  },
  hint: (state, node, data, t) => {
    setCaption(state, t, `Node ${node.n} keeps a hint for node ${data.for}: '${data.key}' goes there when it is back`);
  },
  handoff: (state, node, data, t) => {
    state.ap.handoffs.unshift({ t, from: node.n, to: data.to, hints: data.hints });
    state.ap.handoffs.length = Math.min(state.ap.handoffs.length, 8);
    setCaption(state, t, `Hinted handoff: node ${node.n} gave node ${data.to} the ${data.hints} write(s) it held`);
  },
  anti_entropy: (state, node, data, t) => {
    state.ap.antiEntropy.unshift({ t, node: node.n, peer: data.peer, pulled: data.pulled, pushed: data.pushed });
    state.ap.antiEntropy.length = Math.min(state.ap.antiEntropy.length, 8);
  },
  feed: (state, node, data) => {
    setFeed(node, data);
    state.leader = leaderOf(state);
  },
};

const dashHandlers = {
  faults: (state, _, data, t) => {
    setFaults(state, data, t);
    state.leader = leaderOf(state);
  },
  action: (state, _, data, t) => {
    const who = data.node ? ` node ${data.node}` : '';
    addLog(state, t, 0, data.exit_code === 0 ? 'info' : 'warning', `${data.action}${who}: ${(data.output || '').trim() || (data.exit_code === 0 ? 'done' : 'failed')}`);
  },
  client_action: (state, _, data, t) => {
    state.clientResult = data;
    if (!data.status) dashHandlers.timeouts(state, null, { count: 1 }, t);
    addLog(state, t, 0, 'info', `client ${data.op} '${data.key}' via node ${data.node} → ${data.status || data.error} (${data.ms} ms)`);
  },
  load: (state, _, data) => { state.load = data; },
  timeouts: (state, _, data, t) => {
    const bucket = (state.seconds[Math.floor(t / 1000)] ||= { counts: {}, p50: 0, p99: 0 });
    bucket.counts.timeout = (bucket.counts.timeout || 0) + (Number(data.count) || 0);
  },
  check: (state, _, data, t) => {
    if (data.phase === 'started') {
      state.check = { phase: 'running', from: t, to: null, nemesis: data.nemesis, seconds: data.seconds };
      mark(state, t, 'check', `check started (${data.nemesis})`);
    } else {
      state.check = { ...(state.check || {}), phase: 'done', to: t, valid: data.valid, output: data.output || '' };
      mark(state, t, 'check', data.valid ? 'check: valid' : 'check: NOT valid');
      setCaption(state, t, data.valid ? 'sysdist-check: the history is valid' : 'sysdist-check: the history is NOT valid — see the failing window');
    }
  },
  dumps: (state, _, data) => { state.ap.dumps = data; },
  feed: () => {},
  note: (state, _, data, t) => addLog(state, t, 0, 'warning', data.text || ''),
};

// "wall.logical.node" versions (AP's hybrid clock), compared part by part.
export function compareVersions(a, b) {
  const x = String(a).split('.').map(Number);
  const y = String(b).split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) < (y[i] || 0) ? -1 : 1;
  return 0;
}

// The keys x nodes table: each key's copies; a copy older than the newest one is stale.
// Copies come as {val, version} (AP); without versions, only "differs" can be told.
export function copiesTable(dumps) {
  if (!dumps) return { keys: [], rows: [] };
  const keys = new Set();
  for (const n of NODES) for (const k of Object.keys((dumps[n] && dumps[n].first) || {})) keys.add(k);
  const rows = [...keys].sort().slice(0, 40).map((key) => {
    const copies = NODES.map((n) => {
      const c = dumps[n] ? (dumps[n].first || {})[key] : undefined;
      if (c === undefined) return { value: undefined };
      return typeof c === 'object' && c !== null ? { value: c.val, version: c.version } : { value: c };
    });
    const versions = copies.filter((c) => c.version !== undefined).map((c) => c.version);
    const newest = versions.reduce((m, v) => (m === null || compareVersions(v, m) > 0 ? v : m), null);
    return {
      key,
      copies: copies.map((c) => ({ ...c, stale: c.version !== undefined && newest !== null && compareVersions(c.version, newest) < 0 })),
    };
  });
  return { keys: [...keys], rows };
}

// The timeline's series over the last `seconds` up to `now` (ms): x in seconds.
export function timelineSeries(state, now = state.t, seconds = TIMELINE_SECONDS) {
  const end = Math.floor(now / 1000);
  const xs = [];
  const bySeries = Object.fromEntries(OUTCOMES.map((o) => [o, []]));
  const p50 = [];
  const p99 = [];
  for (let s = end - seconds + 1; s <= end; s++) {
    xs.push(s);
    const b = state.seconds[s];
    for (const o of OUTCOMES) bySeries[o].push(b ? b.counts[o] || 0 : 0);
    // A heartbeat reports four times a second: counts are per second already summed.
    p50.push(b && b.p50 ? b.p50 : null);
    p99.push(b && b.p99 ? b.p99 : null);
  }
  return { xs, bySeries, p50, p99 };
}
