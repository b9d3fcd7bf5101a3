// A Streamable HTTP MCP server built on the official TypeScript SDK (@modelcontextprotocol/sdk), for Munero's
// client tests. Usage: node http-mcp-server.js SDK_DIR  (SDK_DIR: the installed package's directory)
// Binds 127.0.0.1 on a free port and prints "listening PORT" on stdout; requires the header x-munero-test: yes.
'use strict';
const http = require('http');
const path = require('path');
const sdk = process.argv[2];
const { Server } = require(path.join(sdk, 'dist/cjs/server/index.js'));
const { StreamableHTTPServerTransport } = require(path.join(sdk, 'dist/cjs/server/streamableHttp.js'));
const { ListToolsRequestSchema, CallToolRequestSchema } = require(path.join(sdk, 'dist/cjs/types.js'));

function newServer() {
  const server = new Server({ name: 'http-fake', version: '0.9.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [
    { name: 'add', description: 'Adds two numbers.', inputSchema: { type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } } ] }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const { a, b } = req.params.arguments;
    return { content: [{ type: 'text', text: String(a + b) }] };
  });
  return server;
}

const httpServer = http.createServer(async (req, res) => {
  if (req.headers['x-munero-test'] !== 'yes') { res.writeHead(401).end('missing x-munero-test header'); return; }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', async () => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = newServer();
    res.on('close', () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
  });
});
httpServer.listen(0, '127.0.0.1', () => { process.stdout.write('listening ' + httpServer.address().port + '\n'); });
