// A small MCP stdio server for Munero's client tests, with the ways a real server can go wrong.
// Usage: node fake-mcp-server.js MODE
//   ok               a working server: tools echo, whoami, slow, cancelled, crash, fail, garble
//   silent           reads requests and never answers (initialize times out)
//   exit-after-init  answers initialize, then exits with code 1 when asked anything else
//   malformed        answers initialize with a line that is not JSON-RPC
// Newline-delimited JSON-RPC on stdin/stdout (MCP spec, Transports: stdio); logs go to stderr.
'use strict';
const readline = require('readline');
const fs = require('fs');
const mode = process.argv[2] || 'ok';
const cancelled = [];
const pending = new Map();

function send(msg) { process.stdout.write(JSON.stringify(msg) + '\n'); }
function result(id, r) { send({ jsonrpc: '2.0', id, result: r }); }
function error(id, code, message) { send({ jsonrpc: '2.0', id, error: { code, message } }); }
function text(t, isError) { return { content: [{ type: 'text', text: t }], isError: !!isError }; }

const tools = [
  { name: 'echo', description: 'Returns its text.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  { name: 'whoami', description: 'Says where it runs, and whether it sees a path.', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } },
  { name: 'slow', description: 'Answers after the given seconds, unless cancelled.', inputSchema: { type: 'object', properties: { seconds: { type: 'number' } } } },
  { name: 'cancelled', description: 'The request ids the client cancelled.', inputSchema: { type: 'object', properties: {} } },
  { name: 'crash', description: 'Exits with code 3.', inputSchema: { type: 'object', properties: {} } },
  { name: 'fail', description: 'Returns isError.', inputSchema: { type: 'object', properties: {} } },
  { name: 'garble', description: 'Prints a line that is not JSON-RPC.', inputSchema: { type: 'object', properties: {} } },
];

function whoami(probe) {
  let home = [];
  try { home = fs.readdirSync(process.env.HOME || '/nonexistent'); } catch (e) { home = ['<' + e.code + '>']; }
  let wrote = 'no';
  try { fs.writeFileSync('/usr/munero-mcp-probe', 'x'); wrote = 'yes'; fs.unlinkSync('/usr/munero-mcp-probe'); } catch (e) { wrote = 'no (' + e.code + ')'; }
  return JSON.stringify({ pid: process.pid, cwd: process.cwd(), home: process.env.HOME, homeEntries: home.length,
    writesUsr: wrote, sees: probe ? fs.existsSync(probe) : null, secret: process.env.MUNERO_FAKE_API_KEY || null, own: process.env.FAKE_OWN || null });
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  if (mode === 'silent') { process.stderr.write('got ' + msg.method + ', not answering\n'); return; }
  if (msg.method === 'initialize') {
    if (mode === 'malformed') { process.stdout.write('Server ready! (this is not JSON-RPC)\n'); return; }
    result(msg.id, { protocolVersion: msg.params.protocolVersion, capabilities: { tools: {} },
      serverInfo: { name: 'fake-mcp', version: '1.2.3' } });
    return;
  }
  if (mode === 'exit-after-init' && msg.id !== undefined) { process.stderr.write('fatal: cannot open database\n'); process.exit(1); }
  if (msg.method === 'notifications/cancelled') {
    cancelled.push(msg.params.requestId);
    const p = pending.get(msg.params.requestId);
    if (p) { clearTimeout(p); pending.delete(msg.params.requestId); }
    return;
  }
  if (msg.id === undefined) return; // other notifications
  if (msg.method === 'ping') { result(msg.id, {}); return; }
  if (msg.method === 'tools/list') { result(msg.id, { tools }); return; }
  if (msg.method === 'tools/call') {
    const args = msg.params.arguments || {};
    switch (msg.params.name) {
      case 'echo': result(msg.id, text(String(args.text))); return;
      case 'whoami': result(msg.id, text(whoami(args.path))); return;
      case 'slow': {
        const t = setTimeout(() => { pending.delete(msg.id); result(msg.id, text('slept')); }, (args.seconds || 600) * 1000);
        pending.set(msg.id, t);
        return;
      }
      case 'cancelled': result(msg.id, text(JSON.stringify(cancelled))); return;
      case 'crash': process.stderr.write('crashing on purpose\n'); process.exit(3);
      case 'fail': result(msg.id, text('the frobnicator is out of order', true)); return;
      case 'garble': process.stdout.write('{"this is": "not a JSON-RPC message"\n'); return;
      default: error(msg.id, -32602, 'Unknown tool: ' + msg.params.name); return;
    }
  }
  error(msg.id, -32601, 'Method not found: ' + msg.method);
});
