// Cost over time as SVG: the spent line (from cost_update events), the budget as a red line (named at the top
// edge when it is more than 4 times the spending), and the projection
// of the final cost (spent / progress) as a dashed line from the last point to where the run is expected to end.

import {s} from './dom.js';
import {usd} from './format.js';

/**
 * points: [{t: epoch ms, spent, projected, budget}] in time order. progress: 0..1 of the run (for where the
 * projection ends). Returns an SVG element, or a short text element when there is nothing to draw yet.
 */
export function costChart(points, {progress = 0, width = 640, height = 210} = {}) {
  const L = 58, R = 16, T = 14, B = 30;
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img'});
  if (!points.length) {
    svg.append(s('text', {x: width / 2, y: height / 2, class: 'chart-empty', 'text-anchor': 'middle'},
      'No model call has been paid for yet'));
    return svg;
  }
  const last = points[points.length - 1];
  const t0 = points[0].t;
  let tEnd = Math.max(last.t, t0 + 1000);
  const projected = last.projected;
  if (projected != null && progress > 0 && progress < 1) tEnd = Math.max(tEnd, t0 + (last.t - t0) / progress);
  const budget = last.budget;
  const most = Math.max(...points.map(p => p.spent), projected || 0, 0.0001);
  // a budget far above what the run spends would flatten the line: then it is named at the top edge instead
  const budgetOnChart = budget != null && budget <= most * 4;
  const top = Math.max(most, budgetOnChart ? budget : 0) * 1.12;
  const x = t => L + (t - t0) / (tEnd - t0) * (width - L - R);
  const y = v => T + (1 - v / top) * (height - T - B);
  const axis = s('g', {class: 'axis'});
  for (let i = 0; i <= 4; i++) {
    const v = top * i / 4;
    axis.append(s('line', {x1: L, x2: width - R, y1: y(v), y2: y(v), class: 'grid'}),
      s('text', {x: L - 6, y: y(v) + 4, 'text-anchor': 'end'}, usd(v)));
  }
  const span = tEnd - t0;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + span * i / 4;
    const sec = Math.round((t - t0) / 1000);
    axis.append(s('text', {x: x(t), y: height - 10, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle'},
      sec < 120 ? sec + ' s' : Math.round(sec / 60) + ' min'));
  }
  svg.append(axis);
  // spent: a step line (cost only changes when a call completes)
  let d = `M${x(t0)},${y(0)}`, prev = 0;
  for (const p of points) {
    d += ` L${x(p.t)},${y(prev)} L${x(p.t)},${y(p.spent)}`;
    prev = p.spent;
  }
  svg.append(s('path', {d: d + ` L${x(last.t)},${y(0)} Z`, class: 'spent-area'}),
    s('path', {d, class: 'spent-line'}));
  if (budgetOnChart) {
    svg.append(s('line', {x1: L, x2: width - R, y1: y(budget), y2: y(budget), class: 'budget-line'}),
      s('text', {x: width - R - 4, y: y(budget) - 5, 'text-anchor': 'end', class: 'budget-label'},
        'budget ' + usd(budget)));
  } else if (budget != null) {
    svg.append(s('text', {x: width - R - 4, y: T + 4, 'text-anchor': 'end', class: 'budget-label'},
      '↑ budget ' + usd(budget) + ' · ' + share(last.spent / budget) + ' spent'));
  }
  if (projected != null) {
    svg.append(s('line', {x1: x(last.t), y1: y(last.spent), x2: x(tEnd), y2: y(projected), class: 'projection-line'}),
      s('circle', {cx: x(tEnd), cy: y(projected), r: 3.5, class: 'projection-dot'}),
      s('text', {x: x(tEnd) - 6, y: y(projected) + (projected > (budget ?? Infinity) * 0.9 ? 16 : -7),
        'text-anchor': 'end', class: 'projection-label'}, 'projected ' + usd(projected)));
  }
  svg.append(s('circle', {cx: x(last.t), cy: y(last.spent), r: 3.5, class: 'spent-dot'}));
  return svg;
}

function share(fraction) {
  const pct = fraction * 100;
  return (pct < 10 ? pct.toFixed(1) : Math.round(pct)) + '%';
}
