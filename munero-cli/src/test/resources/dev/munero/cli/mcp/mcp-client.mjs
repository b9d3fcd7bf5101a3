// A host no one here wrote: the official MCP TypeScript SDK's Client (@modelcontextprotocol/sdk) against Munero's MCP
// server, over stdio (it spawns the command) or Streamable HTTP (a URL, optionally with a bearer token).
//
//   node mcp-client.mjs NODE_MODULES --stdio COMMAND [ARG...] -- STEP...
//   node mcp-client.mjs NODE_MODULES --http URL [--token TOKEN] -- STEP...
//
// NODE_MODULES is the directory holding @modelcontextprotocol/sdk (npm install --prefix DIR puts it in DIR/node_modules).
// Steps run in order: 'list' (tools/list), 'call NAME JSON [TIMES]' (tools/call, TIMES in a row, each timed, with a
// progressToken), 'read URI' (resources/read), 'templates' (resources/templates/list). The script prints one JSON
// object on stdout: the server's name and version, and one entry per step. Every error of the transport (a line on
// the server's stdout that is not JSON-RPC, a refused HTTP request) is collected in "transportErrors" (progress
// notifications the SDK read just before their call's response, in "lateProgress"). Exit code 0
// when the steps ran, 1 when connecting or a step failed (the JSON then has "error").
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [nodeModules, mode, ...rest] = process.argv.slice(2);
const sdk = (file) => import(pathToFileURL(join(nodeModules, '@modelcontextprotocol/sdk/dist/esm', file)).href);
const { Client } = await sdk('client/index.js');

const sep = rest.indexOf('--');
const target = sep < 0 ? rest : rest.slice(0, sep);
const steps = sep < 0 ? [] : rest.slice(sep + 1);
const out = { server: null, steps: [], transportErrors: [], lateProgress: 0 };

let transport;
if (mode === '--stdio') {
  const { StdioClientTransport } = await sdk('client/stdio.js');
  // the whole environment: the default passes only HOME, PATH and a few others, and Munero needs JAVA_HOME etc.
  transport = new StdioClientTransport({ command: target[0], args: target.slice(1), env: { ...process.env },
    stderr: 'inherit' });
} else if (mode === '--http') {
  const { StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js');
  const ti = target.indexOf('--token');
  const headers = ti < 0 ? {} : { Authorization: `Bearer ${target[ti + 1]}` };
  transport = new StreamableHTTPClientTransport(new URL(target[0]), { requestInit: { headers } });
} else {
  console.error('usage: node mcp-client.mjs NODE_MODULES --stdio COMMAND [ARG...] | --http URL [--token T] -- STEP...');
  process.exit(2);
}

const client = new Client({ name: 'munero-test-ts-client', version: '1.0.0' });
// The SDK's Protocol runs a notification's handler in a microtask but forgets a request's progress handler as soon as
// its response is read: a progress notification read in the same chunk just before the response is then reported as
// "for an unknown token", though the server sent it first. Those are counted, not taken for transport errors.
client.onerror = (e) => {
  const message = String(e && e.message || e);
  if (message.startsWith('Received a progress notification for an unknown token')) {
    out.lateProgress++;
  } else {
    out.transportErrors.push(message);
  }
};
const finish = (code) => {
  process.stdout.write(JSON.stringify(out) + '\n');
  client.close().catch(() => {}).finally(() => process.exit(code));
};

try {
  await client.connect(transport);
  out.server = client.getServerVersion();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === 'list') {
      const r = await client.listTools();
      out.steps.push({ step, tools: r.tools.map((t) => t.name), chars: JSON.stringify(r).length,
        withOutputSchema: r.tools.filter((t) => t.outputSchema).map((t) => t.name) });
    } else if (step === 'templates') {
      const r = await client.listResourceTemplates();
      out.steps.push({ step, templates: r.resourceTemplates.map((t) => t.uriTemplate) });
    } else if (step === 'call') {
      const name = steps[++i];
      const args = JSON.parse(steps[++i]);
      const times = /^\d+$/.test(steps[i + 1] || '') ? Number(steps[++i]) : 1;
      const ms = [];
      let result;
      let progress = 0;
      for (let n = 0; n < times; n++) {
        const t0 = performance.now();
        result = await client.callTool({ name, arguments: args }, undefined, {
          onprogress: () => { progress++; }, timeout: 10 * 60 * 1000 });
        ms.push(performance.now() - t0);
      }
      out.steps.push({ step, name, ms, progress, isError: result.isError === true,
        structuredContent: result.structuredContent ?? null,
        text: result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n') });
    } else if (step === 'read') {
      const uri = steps[++i];
      const r = await client.readResource({ uri });
      out.steps.push({ step, uri, contents: r.contents.map((c) => ({ uri: c.uri, mimeType: c.mimeType,
        text: c.text })) });
    } else {
      throw new Error(`unknown step '${step}'`);
    }
  }
  finish(0);
} catch (e) {
  out.error = String(e && e.message || e);
  if (e && e.code !== undefined) out.code = e.code;
  finish(1);
}
