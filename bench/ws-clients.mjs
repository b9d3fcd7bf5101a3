// Opens N WebSocket clients on a run's event stream and checks each saw every event of the log exactly once.
// node --experimental-websocket bench/ws-clients.mjs BASE_URL RUN_ID N [TOKEN]
// BASE_URL like http://127.0.0.1:7070. Prints one JSON line: clients, events in the log, lost, duplicated, ms.
const [base, runId, nArg, token] = process.argv.slice(2);
const n = Number(nArg || 100);
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const t0 = Date.now();
const clients = [];
for (let i = 0; i < n; i++) {
  clients.push(new Promise((resolve, reject) => {
    const seen = [];
    const ws = new WebSocket(base.replace(/^http/, 'ws') + `/api/v1/runs/${runId}/events?since=0`);
    ws.onopen = () => { if (token) ws.send(JSON.stringify({ token })); };
    ws.onmessage = (m) => {
      const f = JSON.parse(m.data);
      if (f.kind === 'event') seen.push(f.event.seq);
      if (f.kind === 'end') { ws.close(); resolve(seen); }
    };
    ws.onerror = (e) => reject(new Error(`client ${i}: ${e.message || 'error'}`));
    ws.onclose = (e) => { if (e.code !== 1000 && e.code !== 1005) reject(new Error(`client ${i} closed ${e.code} ${e.reason}`)); else resolve(seen); };
  }));
}
const results = await Promise.allSettled(clients);
const log = [];
for (let since = 0; ;) {
  const r = await fetch(`${base}/api/v1/runs/${runId}/events?since=${since}&limit=1000`, { headers });
  const page = await r.json();
  const items = Array.isArray(page) ? page : page.items || page.events;
  if (!items.length) break;
  items.forEach((e) => log.push(e.seq));
  since = items[items.length - 1].seq;
}
let lost = 0, dup = 0, failed = 0;
for (const r of results) {
  if (r.status !== 'fulfilled') { failed++; console.error(String(r.reason)); continue; }
  const s = new Set(r.value);
  dup += r.value.length - s.size;
  lost += log.filter((q) => !s.has(q)).length;
}
console.log(JSON.stringify({ clients: n, failed, log_events: log.length, lost, duplicated: dup, ms: Date.now() - t0 }));
process.exit(lost || dup || failed ? 1 : 0);
