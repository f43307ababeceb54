// End to end: the dashboard page in Debian's chromium (playwright-core; nothing downloaded),
// against a real cluster and sysdist-dash started by tests/integration/*_dashboard_test.sh
// inside their private network namespace. One scenario per mode, as issue #14 asks;
// screenshots go to SHOTS (default run/web) for a person to look at.
//   node tests/web/e2e/dashboard.mjs CP|CA|AP [URL]
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const mode = process.argv[2];
const url = process.argv[3] || 'http://[::1]:3000/';
const shots = process.env.SHOTS || new URL('../../../run/web/', import.meta.url).pathname;
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

const step = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const shot = async (name) => {
  const path = `${shots}/${mode.toLowerCase()}-${name}.png`;
  await page.screenshot({ path });
  step(`screenshot ${path}`);
};
const node = (n) => page.locator(`[data-node="${n}"]`);
const attr = (selector, name) => page.locator(selector).getAttribute(name);
async function until(what, check, seconds = 15) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for: ${what}`);
    await page.waitForTimeout(200);
  }
}
async function allUp() {
  await until('five nodes drawn, all up and reachable', async () => {
    for (let n = 1; n <= 5; n++) {
      if ((await node(n).getAttribute('data-state')) !== 'up' || (await node(n).getAttribute('data-reachable')) !== 'true') return false;
    }
    return true;
  });
}
async function client(op, key, value, via) {
  await page.fill('[data-client="key"]', key);
  if (value !== undefined) await page.fill('[data-client="value"]', value);
  await page.selectOption('[data-client="node"]', String(via));
  await page.evaluate(() => { document.querySelector('[data-client="result"]').dataset.status = ''; });
  await page.click(`[data-client="${op}"]`);
  const status = await until(`the answer to ${op} ${key} via node ${via}`, async () => attr('[data-client="result"]', 'data-status'));
  const text = await page.locator('[data-client="result"]').textContent();
  step(`${op} ${key}${value !== undefined ? `=${value}` : ''} via node ${via}: ${text}`);
  return { status: Number(status), text };
}

async function cp() {
  const leader = Number(await until('a leader', () => attr('#app', 'data-leader')));
  const term = Number(await node(leader).getAttribute('data-term'));
  const leaders = await page.locator('[data-node][data-role="leader"]').count();
  if (leaders !== 1) throw new Error(`${leaders} nodes drawn as leader, want 1`);
  step(`node ${leader} leads term ${term}`);
  const firstLeaderSeen = Date.now();
  await shot('1-leader');
  await node(leader).locator('[data-action="freeze"]').click();
  const next = Number(await until('a new leader with a higher term', async () => {
    const l = Number(await attr('#app', 'data-leader'));
    if (!l || l === leader) return 0;
    return Number(await node(l).getAttribute('data-term')) > term ? l : 0;
  }));
  await until('the old leader drawn frozen', async () => (await node(leader).getAttribute('data-state')) === 'frozen');
  step(`node ${next} took over in term ${await node(next).getAttribute('data-term')}; node ${leader} shows frozen`);
  const via = (leader % 5) + 1;
  const write = await client('write', 'city', 'Lima', via);
  if (write.status !== 201) throw new Error(`write through the client panel answered ${write.status}`);
  await shot('2-new-leader');
  await node(leader).locator('[data-action="unfreeze"]').click();
  await until('the old leader back up', async () => (await node(leader).getAttribute('data-state')) === 'up');
  await until('the old leader follows', async () => (await node(leader).getAttribute('data-role')) === 'follower');
  await page.waitForTimeout(3000);
  const after = Number(await attr('#app', 'data-leader'));
  if (after !== next) throw new Error(`after the unfreeze node ${after} leads, want ${next}: somebody was deposed`);
  step(`unfrozen: node ${next} still leads`);
  await shot('3-unfrozen');
  await loadAndCheck();
  await replayAndExport(firstLeaderSeen, leader);
}

// The load toggle fills the timeline; "check it" runs sysdist-check and shows its verdict.
async function loadAndCheck() {
  await page.fill('#load-clients', '2');
  await page.click('#load-toggle');
  await until('client operations on the timeline', async () => Number(await attr('#timeline', 'data-ok-last-5s')) > 20);
  await page.click('#load-toggle');
  step(`load: ${await attr('#timeline', 'data-ok-last-5s')} successful operations in 5 s on the timeline`);
  await page.fill('#check-seconds', '5');
  await page.click('#check-run');
  await until('the check\'s verdict', async () => /VALID/.test(await page.textContent('#check-result')), 60);
  const verdict = await page.textContent('#check-result');
  if (verdict.trim() !== 'VALID') throw new Error(`sysdist-check's verdict: ${verdict}`);
  step('check it: VALID');
  await shot('4-load-and-check');
}

// The session was recorded: replayed to the moment of the first screenshot, the page shows
// the first leader again; the view exports as SVG and PNG.
async function replayAndExport(at, leader) {
  for (const [button, ending] of [['#export-svg', '<svg'], ['#export-png', '\x89PNG']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const path = `${shots}/${mode.toLowerCase()}-export${button.endsWith('svg') ? '.svg' : '.png'}`;
    await download.saveAs(path);
    const head = (await import('node:fs')).readFileSync(path).subarray(0, 200).toString('latin1');
    if (!head.includes(ending)) throw new Error(`${button} exported no ${ending}: ${head.slice(0, 40)}`);
    step(`exported ${path}`);
  }
  const recordings = await page.locator('#recordings option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  if (!recordings.length) throw new Error('no recording listed');
  await page.selectOption('#recordings', recordings[0]);
  await page.click('#replay-load');
  await until('the replay', async () => !(await page.locator('#replay-badge').isHidden()));
  await page.$eval('#replay-slider', (slider, t) => { slider.value = String(t); slider.dispatchEvent(new Event('input')); }, at);
  await until(`node ${leader} leading again in the replay`, async () => Number(await attr('#app', 'data-leader')) === leader, 10);
  if ((await node(leader).getAttribute('data-state')) !== 'up') throw new Error('the replay shows the first leader frozen before it was');
  step(`replay of ${recordings[0]}: node ${leader} leads again at the first screenshot's moment`);
  await shot('5-replay');
}

async function ca() {
  const ok = await client('write', 'city', 'Rome', 1);
  if (ok.status !== 201) throw new Error(`write answered ${ok.status}, want 201`);
  const lane = page.locator('[data-txn][data-decision="COMMIT"]').first();
  await until('a committed transaction with five yes votes', async () => (await lane.count()) > 0 && (await lane.locator('[data-vote="yes"]').count()) === 5);
  await shot('1-commit');
  await node(3).locator('[data-action="freeze"]').click();
  await until('node 3 drawn frozen', async () => (await node(3).getAttribute('data-state')) === 'frozen');
  const refused = await client('write', 'city', 'Oslo', 1);
  if (refused.status !== 422) throw new Error(`write with node 3 frozen answered ${refused.status}, want 422`);
  await until('the aborted transaction', async () => (await page.locator('[data-txn][data-decision="ABORT"]').count()) > 0);
  await shot('2-abort');
  await node(3).locator('[data-action="unfreeze"]').click();
  await until('node 3 back up', async () => (await node(3).getAttribute('data-state')) === 'up');
}

async function ap() {
  await page.click('[data-preset="2|3"]');
  await page.click('#partition-panel [data-action="partition"]');
  await until('the two sides drawn', async () => (await node(1).getAttribute('data-side')) === 'A' && (await node(4).getAttribute('data-side')) === 'B');
  const a = await client('write', 'color', 'red', 1);
  const b = await client('write', 'color', 'blue', 4);
  if (a.status !== 201 || b.status !== 201) throw new Error(`writes on both sides answered ${a.status} and ${b.status}, want 201`);
  const stale = await client('read', 'color', undefined, 2);
  if (stale.status !== 200 || !stale.text.includes('red')) throw new Error(`side A should read its own (stale) copy: ${stale.text}`);
  const row = page.locator('[data-key="color"]');
  await until('the copies differ in the table', async () => (await row.locator('[data-stale="true"]').count()) > 0, 10);
  await shot('1-partitioned');
  await page.click('#partition-panel [data-action="heal"]');
  await until('healed', async () => (await node(1).getAttribute('data-side')) === '');
  await client('read', 'color', undefined, 1); // a read repairs what it finds stale
  await until('the copies converge on the newest', async () => {
    const cells = await row.locator('[data-copy]').allTextContents();
    const values = cells.filter((v) => v !== '—');
    return values.length >= 3 && values.every((v) => v === 'blue') && (await row.locator('[data-stale="true"]').count()) === 0;
  }, 40);
  await shot('2-converged');
}

try {
  await page.goto(url);
  await until('the mode', async () => (await attr('#app', 'data-mode')) === mode);
  await allUp();
  await ({ CP: cp, CA: ca, AP: ap })[mode]();
  if (problems.length) throw new Error(problems.join('\n'));
  step(`${mode}: the dashboard showed what it should`);
} catch (e) {
  await shot('failure').catch(() => {});
  console.error(`FAIL: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
