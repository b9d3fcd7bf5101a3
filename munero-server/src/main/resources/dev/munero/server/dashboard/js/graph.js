// A dependency graph as SVG, laid out in layers: a node's layer is the length of the longest chain of
// dependencies below it, so layer 0 holds the nodes with none, and every edge goes left to right (from a
// dependency to what needs it). Within a layer nodes are ordered by the mean position of their dependencies
// (one barycenter pass), which removes most crossings in plans and build graphs.

import {s} from './dom.js';

const W = 168, H = 46, GAP_X = 56, GAP_Y = 14, PAD = 12;

/** Layers of nodes [{id, deps}]: {layerOf: Map(id → layer), layers: [[id...]...]}. Unknown deps are ignored. */
export function layers(nodes) {
  const byId = new Map(nodes.map(n => [n.id, n]));
  const layerOf = new Map();
  const visiting = new Set();
  const depth = id => {
    if (layerOf.has(id)) return layerOf.get(id);
    if (visiting.has(id)) return 0; // a cycle: the plan validator rejects those; draw rather than hang
    visiting.add(id);
    let d = 0;
    for (const dep of byId.get(id).deps || []) if (byId.has(dep)) d = Math.max(d, depth(dep) + 1);
    visiting.delete(id);
    layerOf.set(id, d);
    return d;
  };
  nodes.forEach(n => depth(n.id));
  const out = [];
  for (const n of nodes) (out[layerOf.get(n.id)] ||= []).push(n.id);
  const pos = new Map();
  out.forEach((layer, li) => {
    if (li > 0) {
      const key = id => {
        const ds = (byId.get(id).deps || []).filter(d => pos.has(d));
        return ds.length ? ds.reduce((a, d) => a + pos.get(d), 0) / ds.length : Infinity;
      };
      layer.sort((a, b) => key(a) - key(b));
    }
    layer.forEach((id, i) => pos.set(id, i));
  });
  return {layerOf, layers: out};
}

function clip(text, max) {
  text = String(text ?? '');
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * The SVG of a graph. nodes: [{id, label, sub, status, deps: [id], title, emphasis}] where status becomes the
 * class "node-<status>" and emphasis (e.g. the critical path) adds "node-emphasis"; an edge between two
 * emphasized nodes is emphasized too. onSelect(id) is called on a click or Enter on a node.
 */
export function graphSvg(nodes, {onSelect, selected} = {}) {
  const {layers: ls} = layers(nodes);
  const byId = new Map(nodes.map(n => [n.id, n]));
  const xy = new Map();
  const tallest = Math.max(1, ...ls.map(l => l.length));
  ls.forEach((layer, li) => {
    const offset = (tallest - layer.length) * (H + GAP_Y) / 2;
    layer.forEach((id, i) => xy.set(id, {x: PAD + li * (W + GAP_X), y: PAD + offset + i * (H + GAP_Y)}));
  });
  const width = PAD * 2 + ls.length * W + Math.max(0, ls.length - 1) * GAP_X;
  const height = PAD * 2 + tallest * H + (tallest - 1) * GAP_Y;
  const svg = s('svg', {class: 'graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': nodes.length + ' nodes'});
  svg.append(s('defs', {}, s('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8,
    markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse'}, s('path', {d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead'}))));
  const edges = s('g', {class: 'edges'});
  for (const n of nodes) {
    for (const dep of n.deps || []) {
      if (!xy.has(dep)) continue;
      const a = xy.get(dep), b = xy.get(n.id);
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x - 2, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
      const hot = n.emphasis && byId.get(dep).emphasis;
      edges.append(s('path', {d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`,
        class: hot ? 'edge edge-emphasis' : 'edge', 'marker-end': 'url(#arrow)'}));
    }
  }
  svg.append(edges);
  for (const n of nodes) {
    const {x, y} = xy.get(n.id);
    const cls = ['node', 'node-' + (n.status || 'pending')];
    if (n.emphasis) cls.push('node-emphasis');
    if (selected === n.id) cls.push('node-selected');
    const g = s('g', {class: cls.join(' '), transform: `translate(${x},${y})`, tabindex: onSelect ? 0 : null,
      role: onSelect ? 'button' : null, dataset: {id: n.id}},
      s('title', {}, n.title || n.id),
      s('rect', {width: W, height: H, rx: 7}),
      s('rect', {class: 'node-bar', width: 5, height: H, rx: 2}),
      s('text', {x: 14, y: 19, class: 'node-label'}, clip(n.label ?? n.id, 22)),
      s('text', {x: 14, y: 36, class: 'node-sub'}, clip(n.sub ?? '', 26)));
    if (onSelect) {
      g.addEventListener('click', () => onSelect(n.id));
      g.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(n.id); } });
    }
    svg.append(g);
  }
  return svg;
}
