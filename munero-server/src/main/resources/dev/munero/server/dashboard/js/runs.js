// The runs list: every served repository's runs, newest first (state, progress, cost against the budget, age),
// refreshed every 2 s while the page is open; and the form that starts a run (POST /api/v1/runs).

import {h, fill} from './dom.js';
import {api} from './api.js';
import {usd, percent, stateClass, barClass, age} from './format.js';
import {toast} from './ui.js';

export function runsPage(view) {
  const body = h('tbody', {id: 'runs-body'});
  const count = h('span', {class: 'muted'});
  const filter = h('select', {'aria-label': 'state', onchange: () => load()},
    ['', 'Building', 'Paused', 'Completed', 'Failed'].map(s => h('option', {value: s}, s || 'all states')));
  const form = startForm();
  fill(view,
    h('div', {class: 'runs-page'},
      h('section', {class: 'card'},
        h('div', {class: 'card-head'}, h('h1', {}, 'Runs'), count, h('span', {class: 'spacer'}), filter,
          h('button', {class: 'btn primary', onclick: () => { form.hidden = !form.hidden; }}, 'New run')),
        form,
        h('table', {class: 'runs'},
          h('thead', {}, h('tr', {}, ['State', 'Run', 'Progress', 'Cost / budget', 'Model', 'Updated'].map(c => h('th', {}, c)))),
          body))));

  let rows = [];
  let loading = false; // one request at a time: a slow server (or the token prompt) must not pile them up
  async function load() {
    if (loading) return;
    loading = true;
    try {
      const q = filter.value ? '&state=' + encodeURIComponent(filter.value) : '';
      const page = await api('/api/v1/runs?limit=100' + q);
      rows = page.items || [];
      count.textContent = page.total + ' run' + (page.total === 1 ? '' : 's');
      render();
    } catch (err) {
      fill(body, h('tr', {}, h('td', {colspan: 6, class: 'empty'}, err.message)));
    } finally {
      loading = false;
    }
  }

  function render() {
    if (!rows.length) {
      fill(body, h('tr', {}, h('td', {colspan: 6, class: 'empty'}, 'No runs yet. Start one with New run, or munero run --spec SPEC.md.')));
      return;
    }
    fill(body, rows.map(r => {
      const repo = r.repo_id || r.repo || '';
      const href = '#/runs/' + encodeURIComponent(r.id) + '?repo=' + encodeURIComponent(repo);
      const progress = r.state === 'Completed' ? 1 : r.progress;
      const costFraction = r.budget_usd ? r.cost_usd / r.budget_usd : 0;
      return h('tr', {class: 'run-row', dataset: {id: r.id}, tabindex: 0,
        onclick: () => { location.hash = href; }, onkeydown: e => { if (e.key === 'Enter') location.hash = href; }},
        h('td', {}, h('span', {class: stateClass(r.state)}, r.state + (r.pause_requested && r.state !== 'Paused' ? ' · pausing' : ''))),
        h('td', {}, h('a', {href, class: 'mono'}, r.id), h('div', {class: 'muted small'}, [repo, r.spec_path].filter(Boolean).join(' · '))),
        h('td', {class: 'progress-cell'}, h('div', {class: barClass(r.state)}, h('span', {style: {width: percent(progress)}})),
          h('div', {class: 'muted small'}, percent(progress) + ' · ' + r.tasks_done + '/' + r.tasks_total + ' tasks · iteration ' + (r.iteration || 0))),
        h('td', {}, h('div', {class: 'bar cost' + (costFraction > 0.9 ? ' over' : '')}, h('span', {style: {width: percent(costFraction)}})),
          h('div', {class: 'small'}, usd(r.cost_usd) + (r.budget_usd != null ? ' / ' + usd(r.budget_usd) : ' (no budget)'))),
        h('td', {class: 'small'}, r.model || ''),
        h('td', {class: 'small', title: r.updated_at}, age(r.updated_at), h('div', {class: 'muted'}, 'started ' + age(r.created_at))));
    }));
  }

  load();
  const timer = setInterval(load, 2000);
  return () => clearInterval(timer);
}

function startForm() {
  const repo = h('select', {name: 'repo', required: true});
  const spec = h('textarea', {name: 'spec', rows: 5, required: true, placeholder: 'What should be built, and how to check it.'});
  const budget = h('input', {name: 'budget_usd', type: 'number', min: '0.01', step: '0.01', placeholder: 'none'});
  const model = h('input', {name: 'model', placeholder: 'default'});
  const agents = h('input', {name: 'agents', type: 'number', min: '1', max: '16', placeholder: '1'});
  const iterations = h('input', {name: 'max_iterations', type: 'number', min: '1', placeholder: 'default'});
  const form = h('form', {class: 'start-form', hidden: true},
    h('label', {class: 'wide'}, 'Spec', spec),
    h('label', {}, 'Repository', repo), h('label', {}, 'Budget (USD)', budget), h('label', {}, 'Model', model),
    h('label', {}, 'Agents', agents), h('label', {}, 'Max iterations', iterations),
    h('div', {class: 'form-actions'}, h('button', {class: 'btn primary', type: 'submit'}, 'Start run')));
  api('/api/v1/repos').then(list => {
    const repos = Array.isArray(list) ? list : (list.items || []);
    fill(repo, repos.map(r => h('option', {value: r.id}, r.id + (r.path ? ' — ' + r.path : ''))));
  }).catch(err => toast(err.message, 'error'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const body = {repo: repo.value, spec: spec.value};
    if (budget.value) body.budget_usd = parseFloat(budget.value);
    if (model.value.trim()) body.model = model.value.trim();
    if (agents.value) body.agents = parseInt(agents.value, 10);
    if (iterations.value) body.max_iterations = parseInt(iterations.value, 10);
    try {
      const run = await api('/api/v1/runs', {method: 'POST', body});
      const id = run.id || (run.summary && run.summary.id);
      location.hash = '#/runs/' + encodeURIComponent(id) + '?repo=' + encodeURIComponent(repo.value);
    } catch (err) {
      toast(err.message, 'error');
    }
  });
  return form;
}
