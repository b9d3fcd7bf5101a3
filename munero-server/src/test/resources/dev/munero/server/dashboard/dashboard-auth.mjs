// The dashboard against a server with auth on, for DashboardBrowserTest: the page asks for a token, says so when
// the server refuses one, keeps the good one in sessionStorage (this tab only) for REST and the WebSocket's first
// frame, and never writes it into the page. Environment as dashboard-live.mjs, plus TOKEN (a viewer's or an
// operator's secret) and RUN_ID (a completed run).

const {chromium} = await import(process.env.PLAYWRIGHT_CORE);
const base = process.env.BASE_URL;
const runId = process.env.RUN_ID;
const token = process.env.TOKEN;
const WAIT = 180_000;

function fail(reason) {
  console.error('FAIL: ' + reason);
  process.exit(1);
}

async function until(page, what, fn, arg, seen) {
  try {
    await page.waitForFunction(fn, arg, {timeout: WAIT, polling: 200});
  } catch (e) {
    const now = seen ? await page.evaluate(seen).catch(() => '?') : '';
    fail(what + ' (not seen within ' + WAIT / 1000 + ' s' + (now ? '; the page shows: ' + now : '') + ')');
  }
}

const context = await chromium.launchPersistentContext(process.env.PROFILE, {
  executablePath: process.env.CHROMIUM,
  headless: true,
  viewport: {width: 1366, height: 768},
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps', '--mute-audio'],
});
const page = context.pages()[0] || await context.newPage();
const errors = [];
page.on('pageerror', e => errors.push(e.message));
const unauthorized = [];
page.on('request', r => {
  const u = new URL(r.url());
  if (u.hostname !== '127.0.0.1' && u.protocol !== 'data:') errors.push('a request left 127.0.0.1: ' + r.url());
  if (u.pathname.startsWith('/api/') && !r.headers().authorization) unauthorized.push(u.pathname);
});

try {
  await page.goto(base + '/');
  await until(page, 'the page asks for a token', () => document.getElementById('token-dialog').open);
  await page.screenshot({path: process.env.SHOTS + '/07-token-prompt.png'});
  console.log('@shot ' + process.env.SHOTS + '/07-token-prompt.png');

  // a wrong token is refused, and the page says so and asks again
  await page.fill('#token-input', 'mun_not-a-token');
  await page.click('#token-form button[type=submit]');
  await until(page, 'the page says the server refused the token and asks again',
    () => document.getElementById('token-dialog').open && /refused/.test(document.getElementById('token-reason').textContent), null,
    () => document.getElementById('token-reason').textContent);

  await page.fill('#token-input', token);
  await page.click('#token-form button[type=submit]');
  await until(page, 'the runs list shows the run with the token', id => document.querySelector(`tr[data-id="${id}"]`), runId,
    () => document.getElementById('runs-body')?.innerText);
  const requestsWithoutToken = unauthorized.length;

  // the run page: REST with the header, the WebSocket with the first frame
  await page.click(`tr[data-id="${runId}"]`);
  await until(page, 'the run page streams the events over the authenticated WebSocket',
    () => document.querySelector('#timeline [data-type="run_completed"]'), null, () => document.getElementById('timeline')?.innerText);
  await until(page, 'the run shows Completed', () => document.getElementById('run-state')?.textContent === 'Completed', null,
    () => document.getElementById('run-state')?.textContent);

  // a reload in the same tab asks no more
  await page.reload();
  await until(page, 'after a reload the run page streams again without asking',
    () => document.querySelector('#timeline [data-type="run_completed"]'), null, () => document.getElementById('timeline')?.innerText);
  if (await page.evaluate(() => document.getElementById('token-dialog').open)) fail('the page asked for the token again after a reload');
  await page.screenshot({path: process.env.SHOTS + '/08-auth-run.png'});
  console.log('@shot ' + process.env.SHOTS + '/08-auth-run.png');

  const kept = await page.evaluate(() => ({session: sessionStorage.getItem('munero.token'), local: localStorage.length,
    html: document.documentElement.outerHTML}));
  if (kept.session !== token) fail('the token is not kept in sessionStorage');
  if (kept.local !== 0) fail('the page wrote to localStorage');
  if (kept.html.includes(token)) fail('the token appears in the page');
  if (unauthorized.length !== requestsWithoutToken) {
    fail('API requests went without the token after it was given: ' + unauthorized.slice(requestsWithoutToken).join(', '));
  }
  if (errors.length) fail('the page reported errors: ' + errors.join(' | '));
  console.log('@ok');
} catch (e) {
  fail(e.stack || String(e));
} finally {
  await context.close();
}
