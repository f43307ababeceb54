// The page's charting library is vendored from the npm registry, unchanged, with its licence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const here = (path) => new URL(path, import.meta.url);

test('web/vendor/uplot is the npm package uplot, byte for byte, with its licence', () => {
  for (const [vendored, original] of [
    ['../../web/vendor/uplot/uPlot.esm.js', 'node_modules/uplot/dist/uPlot.esm.js'],
    ['../../web/vendor/uplot/uPlot.min.css', 'node_modules/uplot/dist/uPlot.min.css'],
    ['../../web/vendor/uplot/LICENSE', 'node_modules/uplot/LICENSE'],
  ]) {
    assert.ok(readFileSync(here(vendored)).equals(readFileSync(here(original))), `${vendored} differs from ${original}`);
  }
  const lock = JSON.parse(readFileSync(here('package-lock.json'), 'utf8'));
  assert.equal(lock.packages['node_modules/uplot'].version, JSON.parse(readFileSync(here('package.json'), 'utf8')).devDependencies.uplot);
});
