// axe-core's accessibility rules on the page as a person meets it (desktop and phone, light and
// dark), with the walkthrough open and with the settings' sections closed: no serious or critical
// violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { startServer, launchBrowser, watch, waitReady, waitFor } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

async function serious(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

const cases = [
  ['desktop, light', { viewport: { width: 1400, height: 900 } }],
  ['desktop, dark', { viewport: { width: 1400, height: 900 }, colorScheme: 'dark' }],
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
];
for (const [name, options] of cases) {
  test(`axe: no serious or critical violation (${name})`, async () => {
    // AxeBuilder needs a page of a context of its own.
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems = watch(page, server.url);
    await page.goto(server.url);
    await waitReady(page);
    await waitFor('the samples', () => page.$eval('#sample-labels', (e) => e.children.length > 0));
    assert.deepEqual(await serious(page), []);
    // With the walkthrough open on a stage with bars and formulas.
    await page.click('#walk-start');
    await waitFor('the walk', () => page.$eval('#walk-panel', (p) => !!p.dataset.total));
    await page.click('#walk-next');
    await waitFor('a typeset formula', () => page.$eval('#walk-formula', (f) => f.dataset.typeset === 'true'));
    assert.deepEqual(await serious(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
