// The dashboard's reducers (web/reducer.js): events in, view state out, no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, copiesTable, fromSnapshot, initialState, leaderOf, outcomeOf, reduce, timelineSeries } from '../../web/reducer.js';

const T0 = 1_800_000_000_000;
const cpStatus = (role, term, extra = {}) => ({ mode: 'CP', role, term, commit_index: 10, applied_index: 10, last_index: 10, ...extra });

function cpCluster() {
  let s = fromSnapshot({
    mode: 'CP',
    t: T0,
    nodes: [1, 2, 3, 4, 5].map((n) => ({ node: n, status: cpStatus(n === 2 ? 'leader' : 'follower', 3), feed: { connected: true } })),
    faults: { nodes: { 1: 'up', 2: 'up', 3: 'up', 4: 'up', 5: 'up' }, partition: null },
  });
  return s;
}

test('the leader is the reachable node that leads the highest term', () => {
  let s = cpCluster();
  assert.equal(s.mode, 'CP');
  assert.equal(s.leader, 2);
  // Node 2 is frozen: it still says "leader" (its last status) but is not reachable.
  s = reduce(s, { type: 'faults', node: 0, t: T0 + 1000, data: { nodes: { 1: 'up', 2: 'frozen', 3: 'up', 4: 'up', 5: 'up' }, partition: null } });
  assert.equal(s.nodes[2].fault, 'frozen');
  assert.equal(s.leader, null);
  assert.match(s.caption.text, /Node 2 frozen/);
  s = reduce(s, { type: 'role', node: 4, t: T0 + 2000, data: { role: 'leader', term: 4, leader: 4, why: 'won the election' } });
  assert.equal(s.leader, 4);
  assert.equal(s.nodes[4].status.term, 4);
  assert.ok(s.marks.some((m) => m.kind === 'election' && m.text.includes('term 4')));
  // Unfrozen, the old leader's stale status must not depose the new one.
  s = reduce(s, { type: 'faults', node: 0, t: T0 + 3000, data: { nodes: { 1: 'up', 2: 'up', 3: 'up', 4: 'up', 5: 'up' }, partition: null } });
  assert.equal(leaderOf(s), 4);
});

test('a node snapshot is that node\'s status, not a new picture of the cluster', () => {
  let s = cpCluster();
  s = reduce(s, { type: 'snapshot', node: 3, t: T0 + 10, data: cpStatus('follower', 3, { commit_index: 99 }) });
  assert.equal(s.nodes[3].status.commit_index, 99);
  assert.equal(s.leader, 2);
});

test('a fault period opens and closes, and a gap keeps the timeline', () => {
  let s = cpCluster();
  s = reduce(s, { type: 'faults', node: 0, t: T0 + 1000, data: { nodes: { 1: 'paused' }, partition: null } });
  s = reduce(s, { type: 'faults', node: 0, t: T0 + 4000, data: { nodes: { 1: 'up' }, partition: null } });
  const paused = s.faults.filter((f) => f.kind === 'paused');
  assert.equal(paused.length, 1);
  assert.deepEqual([paused[0].from, paused[0].to], [T0 + 1000, T0 + 4000]);
  s = reduce(s, { type: 'state', node: 2, t: T0 + 4200, data: { ...cpStatus('leader', 3), clients: { by_status: { 201: 7, 503: 2 }, p50_ms: 1.5, p99_ms: 9 } } });
  const again = reduce(s, { type: 'snapshot', node: 0, t: T0 + 5000, data: { mode: 'CP', nodes: [] } });
  assert.equal(again.faults.length, s.faults.length);
  assert.equal(again.seconds[Math.floor((T0 + 4200) / 1000)].counts['2xx'], 7);
});

test('client outcomes are counted per second by class, with the highest p99', () => {
  let s = cpCluster();
  const at = T0 + 60_000;
  s = reduce(s, { type: 'state', node: 1, t: at, data: { ...cpStatus('follower', 3), clients: { by_status: { 201: 3, 200: 4, 404: 1 }, p50_ms: 1, p99_ms: 5 } } });
  s = reduce(s, { type: 'state', node: 3, t: at + 100, data: { ...cpStatus('follower', 3), clients: { by_status: { 503: 2, 599: 1 }, p50_ms: 2, p99_ms: 40 } } });
  const series = timelineSeries(s, at + 100, 60);
  const last = series.xs.length - 1;
  assert.equal(series.bySeries['2xx'][last], 7);
  assert.equal(series.bySeries['404'][last], 1);
  assert.equal(series.bySeries['503'][last], 2);
  assert.equal(series.bySeries.other[last], 1);
  assert.equal(series.p99[last], 40);
  assert.equal(series.xs.length, 60);
  assert.equal(outcomeOf(201), '2xx');
  assert.equal(outcomeOf('422'), '422');
});

test('a CA transaction lane gathers the coordinator\'s decision and every vote', () => {
  let s = initialState();
  s = reduce(s, { type: 'txn', node: 1, t: T0, data: { id: '3001-1-1', key: 'city', phase: 'propose', timeout_ms: 1000 } });
  s = reduce(s, { type: 'vote', node: 3, t: T0 + 2, data: { id: '3001-1-1', key: 'city', vote: 'yes', why: 'prepared' } });
  s = reduce(s, { type: 'txn', node: 1, t: T0 + 5, data: { id: '3001-1-1', phase: 'abort', votes: ['yes', 'yes', 'yes', 'missing', 'yes'], why: '127.0.0.4:3004 did not answer', ms: 1001 } });
  assert.equal(s.txns.length, 1);
  const lane = s.txns[0];
  assert.equal(lane.coordinator, 1);
  assert.equal(lane.decision, 'ABORT');
  assert.deepEqual(lane.votes, { 1: 'yes', 2: 'yes', 3: 'yes', 4: 'missing', 5: 'yes' });
  assert.match(s.caption.text, /ABORT/);
  for (let i = 0; i < 30; i++) s = reduce(s, { type: 'txn', node: 2, t: T0 + 10 + i, data: { id: `x${i}`, key: 'k', phase: 'propose' } });
  assert.ok(s.txns.length <= 10, 'lanes are bounded');
});

test('AP: a write\'s preference list, stand-ins and the stale copies', () => {
  let s = initialState();
  s = reduce(s, { type: 'put', node: 1, t: T0, data: { key: 'a', preference: [1, 5, 4], targets: [1, 5, 4], W: 2 } });
  s = reduce(s, { type: 'stand_in', node: 1, t: T0 + 1, data: { key: 'a', failed: 4, spare: 2, hint_for: 4 } });
  s = reduce(s, { type: 'put_done', node: 1, t: T0 + 2, data: { key: 'a', stored_on: [1, 5], W: 2, status: 201 } });
  assert.deepEqual(s.ap.lastPut.targets, [1, 5, 4, 2]);
  assert.equal(s.ap.lastPut.status, 201);
  // Stale is older, not outvoted: two old copies against one newer are the stale ones.
  const copy = (val, version) => ({ val, version });
  const table = copiesTable({ 1: { first: { a: copy('red', '900.0.1') } }, 2: { first: { a: copy('red', '900.0.1') } },
    3: { first: { a: copy('blue', '1000.0.4') } }, 4: { first: {} }, 5: { first: { a: copy('blue', '1000.0.4') } } });
  assert.deepEqual(table.rows[0].copies.map((c) => c.stale), [true, true, false, false, false]);
  assert.deepEqual(table.rows[0].copies.map((c) => c.value), ['red', 'red', 'blue', undefined, 'blue']);
  const same = copiesTable({ 1: { first: { a: copy('v', '5.0.1') } }, 2: { first: { a: copy('v', '5.0.1') } } });
  assert.ok(same.rows[0].copies.every((c) => !c.stale));
  assert.equal(compareVersions('10.0.1', '9.5.5'), 1, 'numerically, not as text');
  assert.equal(compareVersions('10.2.1', '10.10.1'), -1);
});

test('messages are drawn for a moment, and garbage changes nothing', () => {
  let s = cpCluster();
  s = reduce(s, { type: 'msg', node: 2, t: T0 + 100, data: { id: 7, to: 3, type: 'raft/append', phase: 'send' } });
  assert.equal(s.messages.length, 1);
  assert.deepEqual([s.messages[0].from, s.messages[0].to], [2, 3]);
  s = reduce(s, { type: 'state', node: 1, t: T0 + 5000, data: cpStatus('follower', 3) });
  assert.equal(s.messages.length, 0);
  const before = JSON.stringify(s);
  for (const junk of [null, 42, 'x', { type: 'nope', node: 9 }, { type: 'role', node: 77, data: {} }]) s = reduce(s, junk);
  assert.equal(JSON.stringify(s), before);
});
