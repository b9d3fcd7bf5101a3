// The run page's picture of a run, folded from its events in seq order (the same events the CLI's
// RunHistory folds; their payloads are RunEvent records in snake_case, see dev.munero.core.events.RunEvent).

const COMPLETED = new Set(['finished', 'end_turn']);

export class RunModel {
  constructor() {
    this.state = null;
    this.iteration = 0;
    this.plan = null;          // the last accepted plan: {summary, tasks: [{id, description, depends_on, files}], checks}
    this.tasks = new Map();    // task id → {id, status, iteration, condition, summary, turns, tool_calls, cost_usd, agent}
    this.tools = new Map();    // task id → [tool_call payload + {at, seq}]
    this.cost = [];            // [{t, spent, projected, budget}]
    this.checks = [];          // checks_finished payloads + {at}
    this.lessons = [];
    this.pauseRequested = false;
    this.paused = null;        // the last run_paused payload while paused
    this.ended = null;         // run_completed / run_failed payload + {type}
    this.modelCalls = 0;
    this.budget = null;
  }

  /** Applies one event; returns the names of the parts of the page it changes. */
  apply(e) {
    const p = e.payload || {};
    switch (e.type) {
      case 'run_started':
        this.budget = budgetOf(p.settings);
        return ['header'];
      case 'limits_changed':
        this.budget = budgetOf(p.settings) ?? this.budget;
        return ['header', 'cost'];
      case 'state_changed':
        this.state = p.to;
        if (p.to !== 'Paused') this.paused = null;
        if (p.to === 'Building' || p.to === 'Paused') this.pauseRequested = false;
        return ['header'];
      case 'iteration_started':
        this.iteration = p.iteration;
        return ['header'];
      case 'plan_accepted':
        this.plan = p.plan;
        for (const t of p.plan.tasks || []) {
          const known = this.tasks.get(t.id);
          if (!known || (p.redo || []).includes(t.id)) this.tasks.set(t.id, {id: t.id, status: 'pending'});
        }
        return ['graph', 'header'];
      case 'task_started':
        this.tasks.set(p.task, {id: p.task, status: 'running', iteration: p.iteration, agent: p.agent,
          description: p.description});
        return ['graph', 'transcript'];
      case 'task_finished': {
        const t = this.tasks.get(p.task) || {id: p.task};
        Object.assign(t, {status: COMPLETED.has(p.condition) ? 'done' : p.condition === 'interrupted' ? 'stopped' : 'failed',
          condition: p.condition, summary: p.summary, turns: p.turns, tool_calls: p.tool_calls, cost_usd: p.cost_usd,
          commit: p.commit, iteration: p.iteration});
        this.tasks.set(p.task, t);
        return ['graph', 'transcript', 'header'];
      }
      case 'tool_call': {
        const task = p.task || scopeTask(p.scope);
        if (!this.tools.has(task)) this.tools.set(task, []);
        this.tools.get(task).push({...p, at: e.at, seq: e.seq});
        return ['transcript'];
      }
      case 'model_call':
        this.modelCalls++;
        return [];
      case 'cost_update':
        this.cost.push({t: Date.parse(e.at), spent: p.spent_usd, projected: p.projected_usd, budget: p.budget_usd});
        if (p.budget_usd != null) this.budget = p.budget_usd;
        return ['cost', 'header'];
      case 'checks_finished':
        this.checks.push({...p, at: e.at});
        return ['checks', 'header'];
      case 'lesson_recorded':
        this.lessons.push(p);
        return ['checks'];
      case 'pause_requested':
        this.pauseRequested = true;
        return ['header'];
      case 'run_paused':
        for (const task of this.tasks.values()) {
          if (task.status === 'running') Object.assign(task, {status: 'stopped', condition: 'paused'});
        }
        this.paused = p;
        this.pauseRequested = false;
        this.state = 'Paused';
        return ['header', 'graph', 'transcript'];
      case 'rolled_back':
        this.state = p.to_state;
        this.ended = null;
        for (const id of p.undone || []) if (this.tasks.has(id)) this.tasks.get(id).status = 'pending';
        return ['header', 'graph'];
      case 'run_completed':
        this.ended = {...p, type: e.type};
        this.state = 'Completed';
        return ['header'];
      case 'run_failed':
        this.ended = {...p, type: e.type};
        this.state = 'Failed';
        return ['header'];
      default:
        return [];
    }
  }

  /** The task graph's nodes for graph.js. */
  graphNodes() {
    const tasks = (this.plan && this.plan.tasks) || [];
    return tasks.map(t => {
      const st = this.tasks.get(t.id) || {status: 'pending'};
      const sub = st.status === 'running' ? 'running' + (st.agent != null ? ' · agent ' + st.agent : '')
        : st.status === 'done' ? 'done · ' + (st.turns ?? 0) + ' turns'
        : st.status === 'pending' ? 'waiting' : (st.condition || st.status).replace(/_/g, ' ');
      return {id: t.id, label: t.id, sub, status: st.status, deps: t.depends_on || [], title: t.description};
    });
  }
}

function budgetOf(settings) {
  if (!settings) return null;
  const b = settings.budget_usd ?? settings.budgetUsd ?? settings.max_cost_usd;
  return typeof b === 'number' ? b : null;
}

/** "task:<iteration>:<id>" → id. */
export function scopeTask(scope) {
  const m = /^task:\d+:(.+)$/.exec(scope || '');
  return m ? m[1] : scope;
}
