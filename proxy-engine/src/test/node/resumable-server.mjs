// A 2025-era MCP server (TypeScript SDK v1, sessions) that keeps its events for resumption on PORT. Its tool
// `drop_stream` sends a notification on the session's GET stream, closes that stream, then adds the tool `added`
// (so its tools/list_changed is sent while no GET stream is open): only a client that comes back with
// Last-Event-ID hears of it.
// Usage: PORT=N MCP_PEERS=… node resumable-server.mjs
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { load } from './peers.mjs';

const port = Number(process.env.PORT);
const { McpServer } = await load('@modelcontextprotocol/sdk/dist/esm/server/mcp.js');
const { StreamableHTTPServerTransport } = await load('@modelcontextprotocol/sdk/dist/esm/server/streamableHttp.js');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function eventStore() {
  const events = [];
  return {
    async storeEvent(streamId, message) {
      const eventId = `${streamId}::${events.length + 1}`;
      events.push({ eventId, streamId, message });
      return eventId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const from = events.findIndex((e) => e.eventId === lastEventId);
      const streamId = lastEventId.split('::')[0];
      for (const event of events.slice(from + 1)) {
        if (event.streamId === streamId && Object.keys(event.message).length > 0) {
          await send(event.eventId, event.message);
        }
      }
      return streamId;
    }
  };
}

const transports = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (req.method !== 'POST' || body?.method !== 'initialize') {
        res.writeHead(sessionId ? 404 : 400).end();
        return;
      }
      const mcp = new McpServer({ name: 'resumable', version: '1.0.0' });
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: eventStore(),
        onsessioninitialized: (id) => transports.set(id, transport)
      });
      const current = transport;
      mcp.registerTool('drop_stream', { description: 'Drops the GET stream, then adds a tool' }, async () => {
        await mcp.server.sendResourceListChanged();
        await sleep(300);
        current.closeStandaloneSSEStream();
        await sleep(100);
        mcp.registerTool('added', { description: 'Added while the GET stream was closed' }, async () => ({
          content: [{ type: 'text', text: 'added' }]
        }));
        return { content: [{ type: 'text', text: 'dropped' }] };
      });
      mcp.registerResource('note', 'note://resumable', { mimeType: 'text/plain' }, async (uri) => ({
        contents: [{ uri: uri.href, text: 'a note' }]
      }));
      await mcp.connect(transport);
    }
    await transport.handleRequest(req, res, body);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`resumable server listening on ${port}`));
