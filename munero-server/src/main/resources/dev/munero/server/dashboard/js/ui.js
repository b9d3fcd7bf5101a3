// Page-wide bits: toasts (messages that fade) and the live-connection indicator in the top bar.

import {h} from './dom.js';

/** Shows a message for 4 s; kind "error" keeps it until clicked. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if ([...box.children].some(c => c.textContent === message)) return; // a repeated failure is shown once
  const t = h('div', {class: 'toast ' + kind, role: kind === 'error' ? 'alert' : 'status'}, message);
  t.addEventListener('click', () => t.remove());
  box.append(t);
  if (kind !== 'error') setTimeout(() => t.remove(), 4000);
}

const LABELS = {connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…'};

/** The event stream's status: connecting, live, reconnecting, ended (of a "Run" or a "Build"); null hides it. */
export function setConnection(status, what = 'Run') {
  const el = document.getElementById('conn');
  el.hidden = !status;
  el.className = 'conn conn-' + status;
  el.textContent = status === 'ended' ? what + ' ended' : LABELS[status] || '';
}
