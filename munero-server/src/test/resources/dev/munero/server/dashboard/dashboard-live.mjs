// Drives the dashboard in a real headless Chromium (Debian's, through playwright-core) against a live run, for
// DashboardBrowserTest. Environment: PLAYWRIGHT_CORE (the package's index.mjs), CHROMIUM (the browser binary),
// BASE_URL (the server, 127.0.0.1), RUN_ID, SHOTS (a folder for screenshots), PROFILE (an empty folder for the
// browser profile), EXPECT_TASKS (task ids of the first plan, comma-separated).
//
// Talks to the test over stdout: "@release NAME" asks the test to let the scripted model answer the calls held
// at gate NAME; "@shot PATH" names a screenshot taken. Any failed expectation exits 1 with "FAIL: <reason>".

const {chromium} = await import(process.env.PLAYWRIGHT_CORE);
const base = process.env.BASE_URL;
const runId = process.env.RUN_ID;
const shots = process.env.SHOTS;
const expectTasks = (process.env.EXPECT_TASKS || '').split(',').filter(Boolean);
const WAIT = 180_000; // a loaded 2-core machine runs git, the checks and the server: minutes, not seconds

function fail(reason) {
  console.error('FAIL: ' + reason);
  process.exit(1);
}

function release(gate) {
  console.log('@release ' + gate);
}

let shotNo = 0;
async function shot(page, name, fullPage = false) {
  const path = `${shots}/${String(++shotNo).padStart(2, '0')}-${name}.png`;
  await page.screenshot({path, fullPage});
  console.log('@shot ' + path);
}

/** Waits until fn (run in the page) returns a truthy value, or fails with what was expected and what was seen. */
async function until(page, what, fn, arg, seen) {
  try {
    await page.waitForFunction(fn, arg, {timeout: WAIT, polling: 200});
  } catch (e) {
    const now = seen ? await page.evaluate(seen).catch(() => '?') : '';
    fail(what + ' (not seen within ' + WAIT / 1000 + ' s' + (now ? '; the page shows: ' + now : '') + ')');
  }
}

const stateText = () => document.getElementById('run-state')?.textContent;

const context = await chromium.launchPersistentContext(process.env.PROFILE, {
  executablePath: process.env.CHROMIUM,
  headless: true,
  viewport: {width: 1366, height: 768},
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps', '--mute-audio'],
});
// Records the page's WebSockets so the test can cut one and watch the page reconnect (no hook in the page itself).
await context.addInitScript(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }
  };
});
const page = context.pages()[0] || await context.newPage();
const errors = [];
page.on('pageerror', e => errors.push(e.message));
// the browser logs every 4xx/5xx answer as a console error; those are checked by the response handler below
page.on('console', m => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
page.on('response', r => {
  // a repository where no build has run yet answers 404 for its latest build: the page says so
  const expected = r.status() === 404 && /\/builds\/latest$/.test(new URL(r.url()).pathname);
  if (r.status() >= 400 && !expected) errors.push(r.status() + ' from ' + r.request().method() + ' ' + r.url());
});
page.on('request', r => {
  const u = new URL(r.url());
  if (u.protocol !== 'data:' && u.hostname !== '127.0.0.1') errors.push('a request left 127.0.0.1: ' + r.url());
});

try {
  // 1. the runs list shows the run, live
  await page.goto(base + '/');
  await until(page, 'the runs list shows run ' + runId, id => document.querySelector(`tr[data-id="${id}"]`), runId,
    () => document.getElementById('runs-body')?.innerText);
  await shot(page, 'runs-list');

  // 2. open it: the run page follows the event stream
  await page.click(`tr[data-id="${runId}"]`);
  await until(page, 'the run page shows the run started', () => document.querySelector('#timeline [data-type="run_started"]'), null,
    () => document.getElementById('timeline')?.innerText);

  // 3. the plan arrives while the page is open (live, not from a reload)
  release('plan');
  await until(page, 'the timeline shows the accepted plan', () => document.querySelector('#timeline [data-type="plan_accepted"]'), null,
    () => document.getElementById('timeline')?.innerText);
  await until(page, 'the task graph shows the tasks ' + expectTasks.join(', '),
    ids => ids.every(id => document.querySelector(`#task-graph [data-id="${id}"]`)), expectTasks,
    () => document.getElementById('task-graph')?.innerText);

  // 4. the first agent's first tool call shows in its transcript
  release('task-turn-1');
  await until(page, 'the transcript shows the write_file call', () => /write_file/.test(document.getElementById('transcript')?.innerText || ''), null,
    () => document.getElementById('transcript')?.innerText);
  await until(page, 'the task graph shows a running task', () => document.querySelector('#task-graph .node-running'), null,
    () => document.getElementById('task-graph')?.innerText);
  await until(page, 'the run is Building', () => document.getElementById('run-state')?.textContent === 'Building', null, stateText);

  // 5. a cut WebSocket reconnects from the last seq seen, without duplicate rows
  const before = await page.evaluate(() => ({sockets: window.__sockets.length,
    seqs: [...document.querySelectorAll('#timeline [data-seq]')].map(r => Number(r.dataset.seq))}));
  await page.evaluate(() => window.__sockets[window.__sockets.length - 1].close());
  await until(page, 'the page reconnects its event stream', n => window.__sockets.length > n
    && window.__sockets[window.__sockets.length - 1].readyState === 1, before.sockets);
  const url = await page.evaluate(() => window.__sockets[window.__sockets.length - 1].url);
  const since = Number(new URL(url).searchParams.get('since'));
  const lastShown = Math.max(...before.seqs);
  if (!(since >= lastShown)) fail('the reconnect asked since=' + since + ', but seq ' + lastShown + ' was already shown (' + url + ')');
  await shot(page, 'run-live');

  // 6. Pause: the held call is cut off and the run pauses
  await until(page, 'the Pause button is enabled', () => !document.getElementById('pause-btn').disabled, null, stateText);
  await page.click('#pause-btn');
  await until(page, 'the run shows Paused after Pause', () => document.getElementById('run-state')?.textContent === 'Paused', null, stateText);
  await until(page, 'the Resume button is enabled', () => !document.getElementById('resume-btn').disabled, null, stateText);
  await until(page, 'the timeline shows the pause', () => document.querySelector('#timeline [data-type="run_paused"]'), null,
    () => document.getElementById('timeline')?.innerText);
  await shot(page, 'paused');

  // 7. Resume: every later call is answered at once; the run completes (a failed check, a reflection, a fix)
  release('all');
  await page.click('#resume-btn');
  await until(page, 'the run shows Completed after Resume', () => document.getElementById('run-state')?.textContent === 'Completed', null, stateText);
  await until(page, 'the timeline shows the completion', () => document.querySelector('#timeline [data-type="run_completed"]'), null,
    () => document.getElementById('timeline')?.innerText);
  await until(page, 'the checks panel shows the failed check with its log tail', () => document.querySelector('#checks .check-run.bad pre.log'), null,
    () => document.getElementById('checks')?.innerText);
  await until(page, 'the cost chart draws the spent line', () => document.querySelector('#cost-chart .spent-line'), null,
    () => document.getElementById('cost-chart')?.innerText);
  const seqs = await page.evaluate(() => [...document.querySelectorAll('#timeline [data-seq]')].map(r => Number(r.dataset.seq)));
  const dup = seqs.filter((s, i) => seqs.indexOf(s) !== i);
  if (dup.length) fail('the timeline shows events twice: seq ' + [...new Set(dup)].join(', '));
  await shot(page, 'completed');
  await page.check('.toggle input');
  await shot(page, 'completed-all-events', true);

  // 8. the runs list shows it Completed too
  await page.click('a.back');
  await until(page, 'the runs list shows the run Completed', id => document.querySelector(`tr[data-id="${id}"] .state`)?.textContent === 'Completed',
    runId, () => document.getElementById('runs-body')?.innerText);

  // 9. the builds page: press Build, see the step graph coloured by status, the cache hits, the critical path
  if (process.env.BUILDS === '1') {
    await page.goto(base + '/#/builds');
    await until(page, 'the builds page shows the step graph', () => document.querySelector('#step-graph svg .node'), null,
      () => document.querySelector('.builds-page')?.innerText);
    for (const round of [1, 2]) { // the second build hits the cache for the steps whose inputs did not change
      await until(page, 'the Build button is enabled', () => !document.getElementById('build-btn').disabled);
      const before = await page.evaluate(() => document.querySelector('.build-summary .mono')?.textContent || '');
      await page.click('#build-btn');
      await until(page, 'build ' + round + ' finishes and its report shows', b => {
        const id = document.querySelector('.build-summary .mono')?.textContent;
        return id && id !== b && !document.getElementById('build-btn').disabled;
      }, before, () => document.querySelector('.builds-page')?.innerText);
    }
    await until(page, 'the step graph colours the failed step and the cache hit',
      () => document.querySelector('#step-graph .node-failed') && document.querySelector('#step-graph .node-cached'), null,
      () => document.getElementById('step-graph')?.innerText);
    await until(page, 'the steps table marks the critical path', () => document.querySelector('#steps .badge.crit'), null,
      () => document.getElementById('steps')?.innerText);
    await page.click('#step-graph [data-id="greeting"]');
    await until(page, 'the failed step shows its log', () => /does not say hello world/.test(document.querySelector('.step-log pre.log')?.textContent || ''),
      null, () => document.querySelector('.step-log')?.innerText);
    await shot(page, 'builds');
  }

  if (errors.length) fail('the page reported errors: ' + errors.join(' | '));
  console.log('@ok timeline rows ' + seqs.length);
} catch (e) {
  fail(e.stack || String(e));
} finally {
  await context.close();
}
