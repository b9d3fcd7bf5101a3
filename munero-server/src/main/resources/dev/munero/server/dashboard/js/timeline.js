// The run page's timeline: one block per iteration (plan → tasks → checks → reflection), rows appended as events
// arrive. A task is one row, made by task_started and completed in place by task_finished. Rows carry their
// event's seq (data-seq), and an event already shown is never shown again.

import {h} from './dom.js';
import {clock, usd, duration, shortCommit} from './format.js';
import {scopeTask} from './runmodel.js';

const PHASES = {planning: 'Planning', executing: 'Executing tasks', observing: 'Running checks', reflecting: 'Reflecting'};
const VERBOSE = new Set(['run_created', 'model_call', 'tool_call', 'cost_update', 'checkpoint', 'state_changed', 'mcp_status']);

export class Timeline {
  constructor(root, {onTask} = {}) {
    this.root = root;
    this.onTask = onTask;
    this.blocks = new Map(); // iteration → {el, body, status}
    this.taskRows = new Map(); // "iter:task" → row
    this.current = 0;
    this.seen = new Set();
    this.verbose = false;
  }

  setVerbose(on) {
    this.verbose = on;
    this.root.classList.toggle('show-verbose', on);
  }

  block(iteration) {
    if (this.blocks.has(iteration)) return this.blocks.get(iteration);
    const status = h('span', {class: 'block-status'});
    const body = h('ol', {class: 'rows'});
    const el = h('section', {class: 'block', dataset: {iteration}},
      h('h3', {}, iteration === 0 ? 'Start' : 'Iteration ' + iteration, status), body);
    const after = [...this.blocks.keys()].filter(k => k > iteration).sort((a, b) => a - b)[0];
    if (after !== undefined) this.root.insertBefore(el, this.blocks.get(after).el);
    else this.root.append(el);
    const b = {el, body, status};
    this.blocks.set(iteration, b);
    return b;
  }

  row(iteration, e, cls, title, ...detail) {
    const r = h('li', {class: 'row ' + cls + (VERBOSE.has(e.type) ? ' verbose' : ''), dataset: {seq: e.seq, type: e.type}},
      h('time', {datetime: e.at}, clock(e.at)),
      h('span', {class: 'dot'}),
      h('div', {class: 'row-main'}, h('div', {class: 'row-title'}, title),
        detail.filter(x => x !== null && x !== undefined && x !== '').map(d => d instanceof Node ? d : h('div', {class: 'row-detail'}, d))));
    this.block(iteration).body.append(r);
    return r;
  }

  /** Shows one event (a no-op for an event already shown). */
  add(e) {
    if (this.seen.has(e.seq)) return;
    this.seen.add(e.seq);
    const p = e.payload || {};
    const it = typeof p.iteration === 'number' && p.iteration > 0 ? p.iteration : this.current;
    switch (e.type) {
      case 'run_created':
        this.row(0, e, 'info', 'Run created', p.spec_path ? 'spec: ' + p.spec_path : '');
        break;
      case 'run_started':
        this.row(0, e, 'info', 'Run started', (p.model || '') + (p.branch ? ' on ' + p.branch : ''));
        break;
      case 'session_started':
        this.row(this.current, e, 'info', 'Session ' + p.session + ' started', p.reason);
        break;
      case 'state_changed':
        this.row(this.current, e, 'transition', p.from + ' → ' + p.to, p.reason);
        break;
      case 'phase_started':
        this.row(it, e, 'phase', PHASES[p.phase] || p.phase);
        break;
      case 'iteration_started':
        this.current = p.iteration;
        this.block(p.iteration).status.textContent = 'running';
        this.block(p.iteration).status.className = 'block-status running';
        break;
      case 'plan_accepted': {
        const tasks = (p.plan && p.plan.tasks) || [];
        const checks = ((p.plan && p.plan.checks) || []).map(c => typeof c === 'string' ? c : c.name);
        this.row(it, e, 'plan', (p.revised ? 'Revised plan: ' : 'Plan: ') + tasks.length + ' task' + (tasks.length === 1 ? '' : 's'),
          p.plan && p.plan.summary,
          h('div', {class: 'chips'}, tasks.map(t => h('span', {class: 'chip', title: t.description}, t.id))),
          checks.length ? 'checks: ' + checks.join(', ') : '',
          p.attempts > 1 ? 'accepted after ' + p.attempts + ' attempts' : '',
          (p.redo || []).length ? 'to redo: ' + p.redo.join(', ') : '');
        break;
      }
      case 'task_started': {
        const r = this.row(it, e, 'task running', h('button', {class: 'link', onclick: () => this.onTask && this.onTask(p.task)},
          'Task ' + p.task), p.description, h('div', {class: 'row-detail task-result'}, 'running (agent ' + p.agent + ')'));
        this.taskRows.set(it + ':' + p.task, r);
        break;
      }
      case 'task_finished': {
        const r = this.taskRows.get(it + ':' + p.task);
        const ok = p.condition === 'finished' || p.condition === 'end_turn';
        const text = p.condition.replace(/_/g, ' ') + ' · ' + p.turns + ' turns · ' + p.tool_calls + ' tool calls · '
          + usd(p.cost_usd) + (p.commit ? ' · ' + shortCommit(p.commit) : '');
        if (r) {
          r.className = 'row task ' + (ok ? 'ok' : 'bad');
          r.querySelector('.task-result').textContent = text;
          if (p.summary) r.querySelector('.row-main').append(h('div', {class: 'row-detail summary'}, p.summary));
        } else {
          this.row(it, e, 'task ' + (ok ? 'ok' : 'bad'), 'Task ' + p.task, text, p.summary);
        }
        break;
      }
      case 'merge_conflict':
        this.row(it, e, 'bad', 'Merge conflict in task ' + p.task, (p.files || []).join(', '), 'follow-up: ' + p.follow_up);
        break;
      case 'checks_finished': {
        const failed = (p.failures || []).map(f => f.step);
        this.row(it, e, p.passed ? 'ok' : 'bad', p.passed ? 'Checks passed' : 'Checks failed: ' + failed.join(', '),
          p.steps_run + ' steps run · ' + p.cache_hits + ' cache hits · ' + duration(p.duration_millis));
        const b = this.block(it);
        b.status.textContent = p.passed ? 'checks passed' : 'checks failed';
        b.status.className = 'block-status ' + (p.passed ? 'ok' : 'bad');
        break;
      }
      case 'lesson_recorded':
        this.row(it, e, 'lesson', 'Lesson ' + p.ordinal + (p.check ? ' (' + p.check + ')' : ''), p.what_failed,
          p.why ? 'why: ' + p.why : '', p.fix ? 'fix: ' + p.fix : '');
        break;
      case 'checkpoint':
        this.row(it, e, 'info', 'Checkpoint ' + shortCommit(p.commit), p.label);
        break;
      case 'pause_requested':
        this.row(this.current, e, 'warn', 'Pause requested', p.by ? 'by ' + p.by : '');
        break;
      case 'run_paused':
        for (const r of this.taskRows.values()) {
          if (r.classList.contains('running')) {
            r.className = 'row task warn';
            r.querySelector('.task-result').textContent = 'stopped: the run paused (it is done again on resume)';
          }
        }
        this.row(this.current, e, 'warn', 'Paused', p.reason, p.needed_usd != null ? 'needs a budget of ' + usd(p.needed_usd) : '');
        break;
      case 'limits_changed':
        this.row(this.current, e, 'info', 'Limits changed', p.settings && p.settings.budget_usd != null ? 'budget ' + usd(p.settings.budget_usd) : '');
        break;
      case 'rolled_back':
        this.row(this.current, e, 'warn', 'Rolled back to iteration ' + p.iteration, shortCommit(p.commit),
          (p.undone || []).length ? 'undone: ' + p.undone.join(', ') : '');
        break;
      case 'worktree_rebuilt':
        this.row(this.current, e, 'warn', 'Worktree rebuilt', p.damage, p.moved_to ? 'what was left: ' + p.moved_to : '');
        break;
      case 'model_call_interrupted':
        this.row(this.current, e, 'warn', 'Model call cut off (' + p.scope + ')', p.cause,
          p.worst_case_usd != null ? 'counted at its worst case ' + usd(p.worst_case_usd) : '');
        break;
      case 'run_completed':
        this.row(this.current, e, 'ok done', 'Completed', p.iterations + ' iteration' + (p.iterations === 1 ? '' : 's') + ' · '
          + usd(p.cost_usd) + (p.commit ? ' · ' + shortCommit(p.commit) : ''));
        break;
      case 'run_failed':
        this.row(this.current, e, 'bad done', 'Failed', p.reason);
        break;
      case 'model_call':
        this.row(this.current, e, 'info', 'Model call ' + p.scope + ' #' + p.index,
          p.input_tokens + ' in · ' + p.output_tokens + ' out · ' + (p.from_store ? 'from the store' : usd(p.cost_usd))
          + ' · ' + duration(p.duration_millis));
        break;
      case 'tool_call':
        this.row(this.current, e, p.error ? 'bad' : 'info', (p.task || scopeTask(p.scope)) + ': ' + p.name, p.arguments);
        break;
      case 'cost_update':
        this.row(this.current, e, 'info', 'Cost ' + usd(p.spent_usd),
          p.projected_usd != null ? 'projected ' + usd(p.projected_usd) : '');
        break;
      case 'mcp_status': // servers: objects since issue 13, names (always none) before
        this.row(this.current, e, p.status === 'degraded' ? 'bad' : 'info', 'MCP: ' + p.status,
          (p.servers || []).map(s => typeof s === 'string' ? s
            : s.name + ' ' + s.state + (s.state === 'up' ? ', ' + s.tools + ' tools' : s.error ? ': ' + s.error : ''))
            .join(' · '));
        break;
      default:
        this.row(this.current, e, 'info', e.type.replace(/_/g, ' '));
    }
  }
}
