// Formatting of money (USD), durations (milliseconds), times (ISO-8601 UTC) and run states for display.

export function usd(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v !== 0 && Math.abs(v) < 0.01) return '$' + v.toFixed(4);
  return '$' + v.toFixed(2);
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return Math.round(ms) + ' ms';
  const sec = ms / 1000;
  if (sec < 60) return sec.toFixed(sec < 10 ? 1 : 0) + ' s';
  const m = Math.floor(sec / 60), rs = Math.round(sec % 60);
  if (m < 60) return m + ' min ' + (rs ? rs + ' s' : '');
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const sec = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (sec < 60) return Math.floor(sec) + ' s ago';
  if (sec < 3600) return Math.floor(sec / 60) + ' min ago';
  if (sec < 86400) return Math.floor(sec / 3600) + ' h ago';
  return Math.floor(sec / 86400) + ' d ago';
}

/** Local wall-clock time of an ISO instant, HH:MM:SS. */
export function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false});
}

export function percent(fraction) {
  return Math.round(Math.max(0, Math.min(1, fraction || 0)) * 100) + '%';
}

/** The CSS class of a run state: Building → state-building. */
export function stateClass(state) {
  return 'state state-' + String(state || 'unknown').toLowerCase();
}

/** The CSS class of a progress bar in a run state: Building → bar-building. */
export function barClass(state) {
  return 'bar bar-' + String(state || 'unknown').toLowerCase();
}

const RUNNING = new Set(['Initializing', 'ConfiguringMCP', 'PreparingBuild', 'Building', 'Completing']);

export function isRunning(state) {
  return RUNNING.has(state);
}

export function isEnded(state) {
  return state === 'Completed' || state === 'Failed';
}

export function shortCommit(c) {
  return c ? String(c).slice(0, 8) : '';
}

/** Keys from camelCase to snake_case, deeply (build reports are written by the engine in camelCase). */
export function snake(value) {
  if (Array.isArray(value)) return value.map(snake);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, c => '_' + c.toLowerCase())] = snake(v);
    return out;
  }
  return value;
}
