// The run page: header (state, progress, cost, Pause/Resume), live timeline, task graph, agent transcripts,
// cost chart and check failures. Everything but the header is folded from the run's event stream; the header
// also reads GET /api/v1/runs/{id} (progress is derived, not an event) after events that change it.

import {h, fill} from './dom.js';
import {api, EventStream, repoQuery} from './api.js';
import {usd, duration, percent, stateClass, barClass, isRunning, isEnded, clock, age} from './format.js';
import {RunModel} from './runmodel.js';
import {Timeline} from './timeline.js';
import {graphSvg} from './graph.js';
import {costChart} from './costchart.js';
import {toast, setConnection} from './ui.js';

export function runPage(view, id, repo) {
  const base = '/api/v1/runs/' + encodeURIComponent(id);
  const model = new RunModel();
  let detail = null;
  let selectedTask = null;
  let dirty = new Set();
  let frame = 0;
  let busy = false;

  const els = {
    title: h('h1', {}, 'Run ', h('span', {class: 'mono'}, id)),
    state: h('span', {class: stateClass(null), id: 'run-state'}, '…'),
    meta: h('div', {class: 'meta'}),
    progress: h('div', {class: 'bar'}, h('span')),
    progressText: h('div', {class: 'bar-text'}),
    costText: h('div', {class: 'cost-figures'}),
    message: h('div', {class: 'run-message', id: 'run-message'}),
    pause: h('button', {class: 'btn', id: 'pause-btn', onclick: () => act('pause')}, 'Pause'),
    resume: h('button', {class: 'btn primary', id: 'resume-btn', onclick: () => act('resume')}, 'Resume'),
    addBudget: h('input', {type: 'number', min: '0.01', step: '0.01', placeholder: 'add $', class: 'add-budget',
      title: 'Raise the budget by this many USD when resuming', 'aria-label': 'add budget in USD'}),
    timeline: h('div', {class: 'timeline', id: 'timeline'}),
    graph: h('div', {class: 'graph-box', id: 'task-graph'}),
    cost: h('div', {class: 'chart-box', id: 'cost-chart'}),
    transcriptTabs: h('div', {class: 'tabs', role: 'tablist'}),
    transcript: h('div', {class: 'transcript', id: 'transcript'}),
    checks: h('div', {class: 'checks', id: 'checks'}),
  };
  const timeline = new Timeline(els.timeline, {onTask: t => { selectedTask = t; mark(['transcript', 'graph']); }});
  const verbose = h('label', {class: 'toggle'}, h('input', {type: 'checkbox', onchange: e => timeline.setVerbose(e.target.checked)}),
    'all events');

  fill(view,
    h('div', {class: 'run-page'},
      h('section', {class: 'card run-head'},
        h('div', {class: 'head-row'}, h('a', {href: '#/', class: 'back'}, '← Runs'), els.title, els.state,
          h('span', {class: 'spacer'}), els.addBudget, els.pause, els.resume),
        els.meta,
        h('div', {class: 'head-row figures'},
          h('div', {class: 'figure'}, h('div', {class: 'label'}, 'Progress'), els.progress, els.progressText),
          h('div', {class: 'figure'}, h('div', {class: 'label'}, 'Cost'), els.costText)),
        els.message),
      h('div', {class: 'run-grid'},
        h('section', {class: 'card timeline-card'}, h('div', {class: 'card-head'}, h('h2', {}, 'Timeline'), verbose), els.timeline),
        h('div', {class: 'side'},
          h('section', {class: 'card'}, h('h2', {}, 'Task graph'), els.graph),
          h('section', {class: 'card'}, h('h2', {}, 'Agent transcript'), els.transcriptTabs, els.transcript))),
      h('div', {class: 'run-grid lower'},
        h('section', {class: 'card'}, h('h2', {}, 'Cost over time'), els.cost),
        h('section', {class: 'card'}, h('h2', {}, 'Checks'), els.checks))));

  function mark(parts) {
    parts.forEach(p => dirty.add(p));
    if (!frame) frame = requestAnimationFrame(render);
  }

  let refreshTimer = 0;
  function refreshSoon() {
    if (!refreshTimer) refreshTimer = setTimeout(async () => { refreshTimer = 0; await refresh(); }, 400);
  }

  let refreshing = null;
  /** GET the run (one request at a time; callers during one share it). */
  function refresh() {
    refreshing ||= (async () => {
      try {
        detail = await api(base + repoQuery(repo));
        repo = repo || detail.repo_id;
        mark(['header', 'graph']);
      } catch (err) {
        toast(err.message, 'error');
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const stream = new EventStream(base + '/events' + repoQuery(repo), {
    onEvent: e => {
      timeline.add(e);
      const parts = model.apply(e);
      if (parts.includes('header')) refreshSoon();
      mark(parts);
    },
    onStatus: setConnection,
    onEnd: () => { refresh(); watchEnded(); },
  });

  // The stream ends when the run stops writing events (Paused, Completed, Failed). While it is ended the page asks
  // for the run every 2 s, and follows the stream again once the run runs again (a resume from here, from another
  // tab or from the CLI, or an end frame that raced with a resume).
  let endedTimer = 0;
  function watchEnded() {
    clearInterval(endedTimer);
    endedTimer = setInterval(async () => {
      await refresh();
      // running again, or it wrote events this page has not seen (a resumed run may finish between two looks)
      if (detail && (isRunning(detail.summary.state) || detail.summary.last_seq > stream.lastSeq)) {
        clearInterval(endedTimer);
        endedTimer = 0;
        stream.start();
      }
    }, 2000);
  }

  async function act(what) {
    if (busy) return;
    busy = true;
    mark(['header']);
    try {
      if (what === 'pause') {
        await api(base + '/pause' + repoQuery(repo), {method: 'POST', body: {}});
        model.pauseRequested = true;
        toast('Pause requested: the run stops after its current step.');
      } else {
        const add = parseFloat(els.addBudget.value);
        await api(base + '/resume' + repoQuery(repo), {method: 'POST', body: add > 0 ? {add_budget_usd: add} : {}});
        els.addBudget.value = '';
        toast('Resuming.');
        watchEnded();
      }
    } catch (err) {
      toast(err.message, 'error');
    } finally {
      busy = false;
      refreshSoon();
      mark(['header']);
    }
  }

  /** The run's state from whichever is newer: the events shown, or the last GET of the run. */
  function state() {
    if (detail && (!model.state || detail.summary.last_seq >= stream.lastSeq)) return detail.summary.state;
    return model.state;
  }

  function render() {
    frame = 0;
    const parts = dirty;
    dirty = new Set();
    if (parts.has('header')) {
      renderHeader();
      parts.add('cost');
    }
    if (parts.has('graph')) renderGraph();
    if (parts.has('cost')) renderCost();
    if (parts.has('transcript')) renderTranscript();
    if (parts.has('checks')) renderChecks();
  }

  function renderHeader() {
    const st = state();
    const sum = detail && detail.summary;
    els.state.className = stateClass(st);
    els.state.textContent = st || '…';
    const pauseRequested = model.pauseRequested || (sum && sum.pause_requested && st !== 'Paused');
    if (pauseRequested && isRunning(st)) els.state.textContent = st + ' · pausing';
    els.pause.disabled = busy || !isRunning(st) || pauseRequested;
    els.resume.disabled = busy || st !== 'Paused';
    els.addBudget.hidden = st !== 'Paused';
    if (sum) {
      fill(els.meta,
        metaItem('spec', sum.spec_path), metaItem('repo', detail.repo_id || sum.repo), metaItem('model', sum.model),
        metaItem('branch', sum.branch), metaItem('iteration', sum.iteration || model.iteration || '—'),
        metaItem('sessions', detail.sessions), metaItem('started', age(sum.created_at)));
      const done = sum.tasks_done, total = sum.tasks_total;
      els.progress.firstChild.style.width = percent(st === 'Completed' ? 1 : sum.progress);
      els.progress.className = barClass(st);
      els.progressText.textContent = percent(st === 'Completed' ? 1 : sum.progress) + ' · ' + done + '/' + total + ' tasks';
    }
    const spent = model.cost.length ? model.cost[model.cost.length - 1].spent : sum ? sum.cost_usd : 0;
    // a projection is for a run that is still going; an ended run's cost is final
    const projected = model.cost.length && !isEnded(st) ? model.cost[model.cost.length - 1].projected : null;
    const budget = model.budget ?? (sum && sum.budget_usd);
    fill(els.costText,
      h('span', {class: 'big'}, usd(spent)),
      budget != null ? h('span', {}, ' of ', usd(budget), ' budget') : h('span', {}, ' (no budget)'),
      projected != null ? h('span', {class: 'muted'}, ' · projected ' + usd(projected)) : null);
    let msg = '';
    if (st === 'Paused') {
      const reason = (model.paused && model.paused.reason) || (sum && sum.paused_reason);
      msg = 'Paused' + (reason ? ': ' + reason : '') + '.';
      if (model.paused && model.paused.needed_usd != null && budget != null) {
        const add = Math.max(0.01, Math.ceil((model.paused.needed_usd - budget) * 100) / 100);
        els.addBudget.placeholder = 'add $' + add.toFixed(2);
        msg += ' It needs a budget of ' + usd(model.paused.needed_usd) + '.';
      }
    } else if (detail && detail.ended_message) {
      msg = detail.ended_message;
    } else if (model.ended && model.ended.type === 'run_failed') {
      msg = model.ended.reason;
    }
    els.message.textContent = msg;
    els.message.className = 'run-message ' + (st === 'Failed' ? 'bad' : st === 'Paused' ? 'warn' : st === 'Completed' ? 'ok' : '');
  }

  function renderGraph() {
    let nodes = model.graphNodes();
    if (!nodes.length && detail) {
      nodes = detail.tasks.map(t => ({id: t.id, label: t.id, deps: t.depends_on, title: t.description,
        status: t.done ? 'done' : 'pending', sub: t.done ? 'done' : 'waiting'}));
    } else if (detail) {
      const done = new Set(detail.tasks.filter(t => t.done).map(t => t.id));
      nodes.forEach(n => { if (done.has(n.id) && n.status === 'pending') { n.status = 'done'; n.sub = 'done'; } });
    }
    if (!nodes.length) {
      fill(els.graph, h('p', {class: 'empty'}, 'No plan yet.'));
      return;
    }
    fill(els.graph, graphSvg(nodes, {selected: selectedTask, onSelect: t => { selectedTask = t; mark(['transcript', 'graph']); }}));
  }

  function renderCost() {
    const points = isEnded(state()) ? model.cost.map(p => ({...p, projected: null})) : model.cost;
    fill(els.cost, costChart(points, {progress: detail ? detail.summary.progress : 0}));
  }

  function renderTranscript() {
    const ids = [...new Set([...((model.plan && model.plan.tasks) || []).map(t => t.id), ...model.tools.keys()])];
    if (!selectedTask || !ids.includes(selectedTask)) {
      const running = [...model.tasks.values()].filter(t => t.status === 'running').map(t => t.id);
      selectedTask = running[running.length - 1] || [...model.tools.keys()].pop() || ids[0] || null;
    }
    fill(els.transcriptTabs, ids.map(t => {
      const st = model.tasks.get(t);
      return h('button', {role: 'tab', class: 'tab status-' + ((st && st.status) || 'pending'),
        'aria-selected': String(t === selectedTask), onclick: () => { selectedTask = t; mark(['transcript', 'graph']); }},
        t, h('span', {class: 'count'}, String((model.tools.get(t) || []).length)));
    }));
    if (!selectedTask) {
      fill(els.transcript, h('p', {class: 'empty'}, 'No agent has started yet.'));
      return;
    }
    const task = model.tasks.get(selectedTask) || {};
    const planned = ((model.plan && model.plan.tasks) || []).find(t => t.id === selectedTask);
    const calls = model.tools.get(selectedTask) || [];
    const wasAtBottom = els.transcript.scrollTop + els.transcript.clientHeight >= els.transcript.scrollHeight - 8;
    fill(els.transcript,
      h('p', {class: 'task-desc'}, (planned && planned.description) || task.description || ''),
      calls.length ? null : h('p', {class: 'empty'}, task.status === 'running' ? 'Waiting for the first tool call…' : 'No tool calls.'),
      h('ol', {class: 'calls'}, calls.map(c => h('li', {class: 'call' + (c.error ? ' error' : '')},
        h('div', {class: 'call-head'}, h('span', {class: 'tool'}, c.name), c.error ? h('span', {class: 'badge bad'}, 'error') : null,
          h('span', {class: 'muted'}, duration(c.duration_millis)), h('span', {class: 'spacer'}), h('time', {class: 'muted'}, clock(c.at))),
        h('pre', {class: 'args'}, c.arguments || ''),
        c.result ? h('details', {open: c.error || null}, h('summary', {}, 'result'), h('pre', {class: 'result'}, c.result)) : null))),
      task.summary ? h('div', {class: 'task-summary ' + (task.status === 'done' ? 'ok' : 'bad')},
        h('strong', {}, (task.condition || '').replace(/_/g, ' ') + ': '), task.summary) : null);
    if (wasAtBottom) els.transcript.scrollTop = els.transcript.scrollHeight;
  }

  function renderChecks() {
    if (!model.checks.length) {
      fill(els.checks, h('p', {class: 'empty'}, 'The checks have not run yet.'));
      return;
    }
    const items = [...model.checks].reverse().map(c => h('div', {class: 'check-run ' + (c.passed ? 'ok' : 'bad')},
      h('div', {class: 'check-head'}, h('strong', {}, 'Iteration ' + c.iteration + ': ' + (c.passed ? 'passed' : 'failed')),
        h('span', {class: 'muted'}, (c.checks || []).join(', ') + ' · ' + c.steps_run + ' run · ' + c.cache_hits + ' cached · '
          + duration(c.duration_millis))),
      (c.failures || []).map(f => h('div', {class: 'failure'},
        h('div', {}, h('span', {class: 'badge bad'}, f.step), f.exit_code != null ? ' exit ' + f.exit_code : ''),
        (f.failing_tests || []).length ? h('div', {class: 'chips'}, f.failing_tests.map(t => h('span', {class: 'chip bad'}, t))) : null,
        f.log_tail ? h('pre', {class: 'log'}, f.log_tail) : null)),
      model.lessons.filter(l => l.iteration === c.iteration).map(l => h('div', {class: 'lesson'},
        h('strong', {}, 'Lesson: '), l.what_failed, l.fix ? h('div', {class: 'muted'}, 'fix: ' + l.fix) : null))));
    fill(els.checks, items);
  }

  refresh().then(() => stream.start());
  mark(['header', 'graph', 'cost', 'transcript', 'checks']);
  const ticker = setInterval(() => mark(['header']), 15000);
  return () => { stream.stop(); clearInterval(ticker); clearInterval(endedTimer); clearTimeout(refreshTimer); setConnection(null); };
}

function metaItem(label, value) {
  if (value === null || value === undefined || value === '') return null;
  return h('span', {class: 'meta-item'}, h('span', {class: 'label'}, label), ' ', String(value));
}
