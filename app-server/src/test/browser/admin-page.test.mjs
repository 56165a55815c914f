// Drives the admin page in Debian's headless Chromium (playwright-core, no downloaded browser). Started by
// AdminPageBrowserTest, which prepared the server and passes what to look for in the environment. Exits non-zero,
// with the reason on stderr, when the page does not do what it must.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(name + ' is not set');
  }
  return value;
};
const BASE_URL = env('BASE_URL');
const ADMIN_TOKEN = env('ADMIN_TOKEN');
const XSS_TEXT = env('XSS_TEXT');
const XSS_CONVERSATION = env('XSS_CONVERSATION');
const DEAD_RUN_ID = env('DEAD_RUN_ID');
const HELD_CONVERSATION = env('HELD_CONVERSATION');
const HANDOFF_CONVERSATION = env('HANDOFF_CONVERSATION');
const SCREENSHOT = env('SCREENSHOT');
const ADMIN_JWT = env('ADMIN_JWT');
const EXPIRED_JWT = env('EXPIRED_JWT');
const ROLELESS_JWT = env('ROLELESS_JWT');
const TIMEOUT_MS = 15000;

function check(condition, what) {
  if (!condition) {
    throw new Error('failed: ' + what);
  }
  console.log('ok: ' + what);
}

// A fresh profile every run; Playwright passes it to Chromium as --user-data-dir.
const profile = mkdtempSync(join(tmpdir(), 'admin-page-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH, // resolved by AdminPageBrowserTest
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 1000 },
  timeout: 60000,
});
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('dialog', (dialog) => dialog.accept());
  page.on('pageerror', (error) => console.error('page error: ' + error.message));

  const response = await page.goto(BASE_URL + '/admin');
  const headers = response.headers();
  const csp = headers['content-security-policy'] || '';
  check(response.status() === 200, 'GET /admin answers 200 (got ' + response.status() + ')');
  check(/script-src 'self'(;|$)/.test(csp) && !csp.includes('unsafe-inline'), 'the CSP allows only our own script: ' + csp);
  check(csp.includes("frame-ancestors 'none'"), 'the CSP forbids framing');
  check(headers['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options: nosniff');

  // The token, entered once.
  await page.fill('#token-input', ADMIN_TOKEN);
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('#panels:not([hidden])');
  check(await page.evaluate(() => Object.values(sessionStorage).length === 1), 'the token is kept in sessionStorage');

  // The analytics panel counts the real traffic of this run (the test's messages, all in the last 24 hours).
  await page.waitForFunction(() => {
    const received = document.querySelector('#analytics-totals dd');
    return received && Number(received.textContent) > 0;
  });
  check(await page.locator('#analytics-hours tr').count() === 24, 'the analytics panel lists the last 24 hours');
  check(await page.locator('#analytics-latency td.text').count() >= 1, 'the AI latency of at least one model is shown');

  // Customer-supplied text shows as text, and nothing in it runs.
  const deadRow = page.locator(`#deliveries tr[data-run-id="${DEAD_RUN_ID}"]`);
  await deadRow.waitFor();
  const lastError = await deadRow.locator('td').nth(4).textContent();
  check(lastError.includes(XSS_TEXT), 'the dead letter shows Pancake\'s error with the customer\'s text as text: ' + lastError);
  await page.getByText(XSS_TEXT, { exact: false }).first().waitFor({ state: 'visible' });
  check(true, 'the customer\'s text is visible');
  const conversationCell = page.locator('#conversations td.text', { hasText: XSS_CONVERSATION }).first();
  await conversationCell.waitFor();
  check(await conversationCell.textContent() === XSS_CONVERSATION, 'a markup-like conversation id shows as text');
  check(await page.locator('#panels img, #panels svg').count() === 0, 'no element was made from customer text');
  check(await page.evaluate(() => window.__xss) === undefined, 'window.__xss is undefined: no injected handler ran');

  await page.waitForSelector(`#conversations tr[data-conversation-id="${HELD_CONVERSATION}"] .state-locked`);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  check(true, 'screenshot taken: ' + SCREENSHOT);

  // A dead letter retried from the page.
  await deadRow.getByRole('button', { name: 'Retry' }).click();
  await page.waitForFunction((run) => document.getElementById('notice').textContent === 'Delivery ' + run + ' is pending again.',
    DEAD_RUN_ID);
  await deadRow.waitFor({ state: 'detached' });
  check(true, 'the retried dead letter left the list');

  // Force release of the conversation whose answer is held.
  const heldRow = page.locator(`#conversations tr[data-conversation-id="${HELD_CONVERSATION}"]`);
  await heldRow.getByRole('button', { name: 'Force release' }).click();
  await page.waitForFunction((id) => document.getElementById('notice').textContent.startsWith(
    'Conversation ' + id + ': lock released'), HELD_CONVERSATION);
  check(true, 'force release released the lock');

  // Hand-off to people and back (the reason prompt is accepted empty).
  const handoffRow = page.locator(`#conversations tr[data-conversation-id="${HANDOFF_CONVERSATION}"]`);
  await handoffRow.getByRole('button', { name: 'Hand off' }).click();
  await page.waitForFunction((id) => document.getElementById('notice').textContent
    === 'Conversation ' + id + ' is with people.', HANDOFF_CONVERSATION);
  await handoffRow.locator('.state-people').waitFor();
  check((await handoffRow.locator('.state-people').textContent()).startsWith('with people (by an admin'),
    'a conversation handed off from the page shows as with people');
  await handoffRow.getByRole('button', { name: 'Resume' }).click();
  await page.waitForFunction((id) => document.getElementById('notice').textContent
    === 'Conversation ' + id + ' is back with the bot.', HANDOFF_CONVERSATION);
  await handoffRow.getByRole('button', { name: 'Hand off' }).waitFor();
  check(true, 'a conversation resumed from the page is back with the bot');

  // Cleanup.
  await page.fill('#cleanup-hours', '1');
  await page.click('#cleanup-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('notice').textContent.startsWith('Cleanup: '));
  check(true, 'cleanup answered');

  // Live figures: the page refreshes by itself.
  const before = await page.textContent('#refreshed-at');
  await page.waitForFunction((first) => document.getElementById('refreshed-at').textContent !== first, before,
    { timeout: 12000 });
  check(true, 'the figures refresh periodically');

  // The CSP refuses inline script, even one the page's own script would add.
  const inline = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
    const script = document.createElement('script');
    script.textContent = 'window.__inline = 1';
    document.body.appendChild(script);
    setTimeout(() => resolve('no violation reported'), 3000);
  }));
  check(inline.startsWith('script-src') && await page.evaluate(() => window.__inline) === undefined,
    'an inline script is refused by the CSP (' + inline + ')');

  // The token stays for the tab, and never travels in a URL.
  await page.reload();
  await page.waitForSelector('#panels:not([hidden])');
  check(await page.isHidden('#token-form'), 'after a reload the token is still there');
  check(urls.every((url) => !url.includes(ADMIN_TOKEN)), 'the token never appears in a URL');

  // A wrong token is refused and forgotten.
  await page.click('#forget-token');
  await page.fill('#token-input', 'not-the-token');
  await page.click('#token-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('notice').textContent.includes('refused'));
  check(await page.isVisible('#token-form'), 'a refused token brings the token form back');

  // A person's JWT goes in the same field; an expired one and one without the admin role say so, and are forgotten.
  for (const [jwt, words] of [[EXPIRED_JWT, 'has expired'], [ROLELESS_JWT, 'does not carry the admin role']]) {
    await page.fill('#token-input', jwt);
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction((w) => document.getElementById('notice').textContent.includes(w), words);
    check(await page.isVisible('#token-form'), 'a JWT whose notice says "' + words + '" brings the token form back');
  }
  await page.fill('#token-input', ADMIN_JWT);
  await page.click('#token-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('refreshed-at').textContent !== 'never'
    && document.querySelectorAll('#conversations tr').length > 0);
  check(await page.isHidden('#token-form') && (await page.textContent('#notice')) === '',
    'a JWT with the admin role opens the page');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
