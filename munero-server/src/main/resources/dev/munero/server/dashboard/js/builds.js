// The builds page: a repository's step graph coloured by each step's status in the newest build, its durations,
// cache hits and critical path (from the build report, .munero/reports/latest.json), a waterfall of when each
// step ran, the log tail of a failed step, and a Build button that starts a build and follows it live.

import {h, fill} from './dom.js';
import {api, EventStream} from './api.js';
import {duration, percent, snake, age} from './format.js';
import {graphSvg} from './graph.js';
import {toast, setConnection} from './ui.js';

const STATUS = {PASSED: 'done', CACHED: 'cached', FAILED: 'failed', SKIPPED: 'skipped', CANCELLED: 'stopped'};

export function buildsPage(view, params) {
  const repoSelect = h('select', {'aria-label': 'repository', onchange: () => { location.hash = '#/builds?repo=' + encodeURIComponent(repoSelect.value); }});
  const buildBtn = h('button', {class: 'btn primary', id: 'build-btn', onclick: () => startBuild()}, 'Build');
  const summary = h('div', {class: 'build-summary'});
  const graphBox = h('div', {class: 'graph-box tall', id: 'step-graph'});
  const steps = h('div', {class: 'steps', id: 'steps'});
  const log = h('div', {class: 'step-log'});
  fill(view, h('div', {class: 'builds-page'},
    h('section', {class: 'card'},
      h('div', {class: 'card-head'}, h('h1', {}, 'Builds'), repoSelect, h('span', {class: 'spacer'}), buildBtn), summary),
    h('div', {class: 'run-grid builds-grid'},
      h('section', {class: 'card'}, h('div', {class: 'card-head'}, h('h2', {}, 'Step graph'), legend()), graphBox),
      h('section', {class: 'card'}, h('h2', {}, 'Steps'), steps, log))));

  let repo = params.get('repo');
  let report = null, graph = null, live = new Map(), stream = null, running = null; // running: {id, total} of a build started here

  async function load() {
    const list = await api('/api/v1/repos');
    const repos = Array.isArray(list) ? list : (list.items || []);
    if (!repos.length) {
      fill(summary, h('p', {class: 'empty'}, 'This server serves no repository.'));
      return;
    }
    if (!repo || !repos.some(r => r.id === repo)) repo = repos[0].id;
    fill(repoSelect, repos.map(r => h('option', {value: r.id, selected: r.id === repo}, r.id)));
    const enc = encodeURIComponent(repo);
    const [rep, gr] = await Promise.allSettled([
      api('/api/v1/repos/' + enc + '/builds/latest'),
      api('/api/v1/repos/' + enc + '/graph?format=json')]);
    report = rep.status === 'fulfilled' ? snake(rep.value) : null;
    graph = gr.status === 'fulfilled' ? snake(gr.value) : null;
    if (gr.status === 'rejected') toast('Graph: ' + gr.reason.message, 'error');
    if (rep.status === 'rejected' && rep.reason.status !== 404) toast('Build report: ' + rep.reason.message, 'error');
    render();
  }

  function render() {
    if (running) {
      const done = [...live.values()].filter(r => r.status !== 'RUNNING').length;
      fill(summary, h('div', {class: 'figures'},
        figure('Status', h('span', {class: 'state state-building'}, 'RUNNING')),
        figure('Build', h('span', {class: 'mono'}, running.id)),
        figure('Steps', done + ' of ' + running.total + ' finished')));
    } else if (!report) {
      fill(summary, h('p', {class: 'empty'}, 'No build has run in ' + repo + ' yet. Press Build, or run munero build there.'));
    } else {
      const c = report.counts || {};
      fill(summary, h('div', {class: 'figures'},
        figure('Status', h('span', {class: 'state state-' + String(report.status).toLowerCase()}, report.status)),
        figure('Build', h('span', {class: 'mono'}, report.run_id), h('div', {class: 'muted small'}, age(report.started_at))),
        figure('Duration', duration(report.duration_millis)),
        figure('Steps', c.total + ' · ' + c.passed + ' passed · ' + c.cached + ' cached · ' + c.failed + ' failed'
          + (c.skipped ? ' · ' + c.skipped + ' skipped' : '')),
        figure('Cache hits', percent(report.cache_hit_rate)),
        figure('Critical path', duration(report.critical_path_millis),
          h('div', {class: 'muted small'}, (report.critical_path || []).join(' → ')))));
    }
    const results = new Map(((report && report.steps) || []).map(r => [r.name, r]));
    const critical = new Set((report && report.critical_path) || []);
    const names = graph ? graph.nodes.map(n => n.name) : [...results.keys()];
    const nodes = names.map(name => {
      const n = graph ? graph.nodes.find(x => x.name === name) : {depends_on: []};
      const r = live.get(name) || results.get(name);
      const status = r ? (r.status === 'RUNNING' ? 'running' : STATUS[r.status] || 'pending') : 'pending';
      const sub = !r ? (running ? 'waiting' : 'not in the last build') : r.status === 'RUNNING' ? 'running'
        : r.status.toLowerCase() + (r.status === 'CACHED' || r.status === 'SKIPPED' ? '' : ' · ' + duration(r.duration_millis));
      return {id: name, label: name, sub, status, deps: n.depends_on || [], emphasis: critical.has(name),
        title: name + (n.command ? '\n' + n.command : '') + (r && r.reasons ? '\n' + r.reasons.join('\n') : '')};
    });
    fill(graphBox, nodes.length ? graphSvg(nodes, {onSelect: showStep}) : h('p', {class: 'empty'}, 'No steps.'));
    renderSteps(results, critical);
  }

  function renderSteps(results, critical) {
    const list = [...results.values()].sort((a, b) => a.start_millis - b.start_millis);
    for (const [name, r] of live) if (!results.has(name)) list.push(r);
    if (!list.length) {
      fill(steps, h('p', {class: 'empty'}, 'No step results yet.'));
      return;
    }
    const end = Math.max(1, ...list.map(r => r.end_millis || 0));
    fill(steps, h('table', {class: 'steps-table'},
      h('thead', {}, h('tr', {}, ['Step', 'Status', 'Duration', 'When'].map(c => h('th', {}, c)))),
      h('tbody', {}, list.map(r => h('tr', {class: critical.has(r.name) ? 'critical' : '', onclick: () => showStep(r.name)},
        h('td', {class: 'mono small', title: (r.reasons || []).join('\n')}, r.name, critical.has(r.name) ? h('span', {class: 'badge crit', title: 'on the critical path'}, 'critical') : null),
        h('td', {}, h('span', {class: 'status status-' + (STATUS[r.status] || 'running')}, r.status === 'CACHED' ? 'cache hit' : r.status.toLowerCase())),
        h('td', {class: 'small num'}, r.status === 'RUNNING' ? '…' : r.status === 'SKIPPED' ? '—' : duration(r.duration_millis)),
        h('td', {class: 'waterfall'}, r.status === 'SKIPPED' ? null : h('span', {class: 'wf status-' + (STATUS[r.status] || 'running'),
          style: {left: (r.start_millis || 0) / end * 100 + '%',
            width: Math.max(0.5, ((r.end_millis ?? end) - (r.start_millis || 0)) / end * 100) + '%'}})))))));
  }

  async function showStep(name) {
    const r = report && report.steps.find(x => x.name === name);
    if (!r) {
      fill(log, h('p', {class: 'muted'}, name + ' did not run in the last build.'));
      return;
    }
    const head = h('div', {class: 'check-head'}, h('strong', {class: 'mono'}, name),
      h('span', {class: 'muted'}, r.status.toLowerCase() + (r.exit_code != null ? ' · exit ' + r.exit_code : '')
        + (r.status === 'SKIPPED' ? '' : ' · ' + duration(r.duration_millis))));
    const reasons = h('ul', {class: 'reasons'}, (r.reasons || []).map(x => h('li', {}, x)));
    fill(log, head, reasons, h('p', {class: 'muted'}, 'Loading the log…'));
    try {
      const text = await api('/api/v1/builds/' + encodeURIComponent(report.run_id) + '/steps/' + encodeURIComponent(name)
        + '/log?tail=8000&repo=' + encodeURIComponent(repo));
      const body = typeof text === 'string' ? text : (text && (text.log || text.text)) || '';
      fill(log, head, reasons, h('pre', {class: 'log'}, body || '(empty log)'));
    } catch (err) {
      fill(log, head, reasons, h('p', {class: 'muted'}, err.message));
    }
  }

  async function startBuild() {
    buildBtn.disabled = true;
    try {
      const started = await api('/api/v1/builds', {method: 'POST', body: {repo}});
      live = new Map();
      running = {id: started.build_id, total: started.steps_total};
      toast('Build ' + started.build_id + ' started.');
      if (stream) stream.stop();
      stream = new EventStream('/api/v1/builds/' + encodeURIComponent(started.build_id) + '/events', {
        onEvent: e => {
          const p = snake(e.payload || {});
          const name = p.step || p.name;
          if (e.type === 'build_started') running.total = p.steps;
          if (e.type === 'step_started' && name) live.set(name, {name, status: 'RUNNING', start_millis: p.start_millis});
          else if (e.type === 'step_finished' && name) live.set(name, {...p, name});
          render();
        },
        onStatus: status => setConnection(status, 'Build'),
        onEnd: () => { buildBtn.disabled = false; live = new Map(); running = null; load(); },
      }).start();
    } catch (err) {
      buildBtn.disabled = false;
      toast(err.message, 'error');
    }
  }

  load().catch(err => toast(err.message, 'error'));
  return () => { if (stream) stream.stop(); setConnection(null); };
}

function figure(label, ...value) {
  return h('div', {class: 'figure'}, h('div', {class: 'label'}, label), h('div', {class: 'value'}, value));
}

function legend() {
  return h('div', {class: 'legend'}, [['done', 'passed'], ['cached', 'cache hit'], ['failed', 'failed'], ['skipped', 'skipped'],
    ['pending', 'not run']].map(([c, t]) => h('span', {class: 'status status-' + c}, t)),
    h('span', {class: 'legend-crit'}, 'critical path'));
}
