// An MCP server of one era on PORT: `modern` is the TypeScript SDK v2 serving 2026-07-28 only
// (createMcpHandler with legacy: 'reject'); `legacy` is the SDK v1 serving the 2025 era only, with sessions.
// It offers the tools `greet` and `secret` and the resource `note://NAME`; the modern one also `ask` (one
// elicitation round: input_required asking for a name) and `sample` (one sampling round).
// With SUBSCRIBE=1 the modern one lets listen streams follow `note://NAME` (resources.subscribe), and a GET of
// /touch announces that the note was updated.
// Usage: PORT=N [TTL_MS=T] [SUBSCRIBE=1] node era-server.mjs modern|legacy NAME
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { load } from './peers.mjs';

const [era, name] = process.argv.slice(2);
const port = Number(process.env.PORT);

// TTL_MS, when set, is the cache hint (ttlMs) the modern server gives with its lists and reads.
function cacheOptions() {
  if (process.env.TTL_MS === undefined) {
    return {};
  }
  const hint = { ttlMs: Number(process.env.TTL_MS), cacheScope: 'public' };
  const cacheable = ['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list', 'resources/read'];
  return { cacheHints: Object.fromEntries(cacheable.map((method) => [method, hint])) };
}

async function modern() {
  const { McpServer, createMcpHandler, fromJsonSchema, inputRequired } =
    await load('@modelcontextprotocol/server/dist/index.mjs');
  const factory = () => {
    const options = cacheOptions();
    if (process.env.SUBSCRIBE === '1') {
      options.capabilities = { resources: { subscribe: true } };
    }
    const server = new McpServer({ name, version: '1.0.0' }, options);
    server.registerTool('greet', {
      description: 'Greets someone',
      inputSchema: fromJsonSchema({ type: 'object', properties: { who: { type: 'string' } }, required: ['who'] })
    }, async ({ who }) => ({ content: [{ type: 'text', text: `hello ${who} from ${name}` }] }));
    server.registerTool('secret', { description: 'Tells a secret', inputSchema: fromJsonSchema({ type: 'object' }) },
      async () => ({ content: [{ type: 'text', text: `the secret of ${name}` }] }));
    server.registerResource('note', `note://${name}`, { mimeType: 'text/plain' },
      async (uri) => ({ contents: [{ uri: uri.href, text: `the note of ${name}` }] }));
    server.registerTool('ask', { description: 'Asks the user for a name', inputSchema: fromJsonSchema({ type: 'object' }) },
      async (_args, ctx) => {
        const answer = ctx.mcpReq.inputResponses?.who;
        if (!answer) {
          return inputRequired({
            inputRequests: { who: inputRequired.elicit({ message: 'Who is asking?', requestedSchema: {
              type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }) },
            requestState: `asked-by-${name}`
          });
        }
        const state = typeof ctx.mcpReq.requestState === 'function' ? ctx.mcpReq.requestState() : ctx.mcpReq.requestState;
        return { content: [{ type: 'text', text: `${answer.action} ${answer.content?.name} (state ${state ?? 'none'})` }] };
      });
    server.registerTool('sample', { description: 'Asks the client LLM', inputSchema: fromJsonSchema({ type: 'object' }) },
      async (_args, ctx) => {
        const answer = ctx.mcpReq.inputResponses?.llm;
        if (!answer) {
          return inputRequired({ inputRequests: { llm: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: `say hi to ${name}` } }], maxTokens: 20 }) } });
        }
        return { content: [{ type: 'text', text: `sampled: ${answer.content?.text}` }] };
      });
    return server;
  };
  const handler = createMcpHandler(factory, { legacy: 'reject' });
  return async (req, res, body) => {
    if (req.url === '/touch') {
      handler.notify.resourceUpdated(`note://${name}`);
      res.writeHead(204);
      res.end();
      return;
    }
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method, headers, body: req.method === 'POST' ? body : undefined
    });
    const response = await handler.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) {
      for await (const chunk of response.body) {
        res.write(chunk);
      }
    }
    res.end();
  };
}

async function legacy() {
  const { McpServer } = await load('@modelcontextprotocol/sdk/dist/esm/server/mcp.js');
  const { StreamableHTTPServerTransport } = await load('@modelcontextprotocol/sdk/dist/esm/server/streamableHttp.js');
  const z = await load('zod/index.js');
  const transports = new Map();
  const newServer = () => {
    const server = new McpServer({ name, version: '1.0.0' });
    server.registerTool('greet', { description: 'Greets someone', inputSchema: { who: z.string() } },
      async ({ who }) => ({ content: [{ type: 'text', text: `hello ${who} from ${name}` }] }));
    server.registerTool('secret', { description: 'Tells a secret', inputSchema: {} },
      async () => ({ content: [{ type: 'text', text: `the secret of ${name}` }] }));
    server.registerResource('note', `note://${name}`, { mimeType: 'text/plain' },
      async (uri) => ({ contents: [{ uri: uri.href, text: `the note of ${name}` }] }));
    return server;
  };
  return async (req, res, body) => {
    const sessionId = req.headers['mcp-session-id'];
    let transport = sessionId ? transports.get(sessionId) : undefined;
    const parsed = body ? JSON.parse(body) : undefined;
    if (!transport) {
      if (req.method !== 'POST' || parsed?.method !== 'initialize') {
        res.writeHead(sessionId ? 404 : 400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: parsed?.id ?? null,
          error: { code: -32000, message: sessionId ? 'Session not found' : 'Bad Request: no session' } }));
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, transport)
      });
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res, parsed);
  };
}

const serve = era === 'modern' ? await modern() : await legacy();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    serve(req, res, Buffer.concat(chunks).toString('utf8')).catch((error) => {
      console.error(error);
      if (!res.headersSent) {
        res.writeHead(500);
      }
      res.end();
    });
  });
});
server.listen(port, '127.0.0.1', () => console.log(`${era} server ${name} listening on ${port}`));
