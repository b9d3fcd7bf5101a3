// The dashboard's entry point: a hash router over three pages (#/ runs, #/runs/<id>?repo=R, #/builds?repo=R).
// Each page function fills #view and returns a function that stops its timers and streams when the page is left.

import {runsPage} from './runs.js';
import {runPage} from './run.js';
import {buildsPage} from './builds.js';

const view = document.getElementById('view');
let leave = null;

function route() {
  if (leave) leave();
  leave = null;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const run = /^\/runs\/([^/]+)$/.exec(path);
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active',
    a.dataset.nav === (path.startsWith('/builds') ? 'builds' : 'runs')));
  if (run) {
    document.title = 'Run ' + decodeURIComponent(run[1]) + ' · Munero';
    leave = runPage(view, decodeURIComponent(run[1]), params.get('repo'));
  } else if (path.startsWith('/builds')) {
    document.title = 'Builds · Munero';
    leave = buildsPage(view, params);
  } else {
    document.title = 'Runs · Munero';
    leave = runsPage(view);
  }
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
route();
