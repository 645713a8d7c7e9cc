// An MCP client of one era (TypeScript SDK v2): `modern` pins 2026-07-28, `legacy` runs the 2025 handshake.
// Calls each named tool with {who}, reads each named resource, and prints one JSON line with what it got.
// Usage: node era-client.mjs modern|legacy URL BEARER --tool NAME ... --read URI ...
import { load } from './peers.mjs';

const [era, url, bearer, ...rest] = process.argv.slice(2);
const { Client, StreamableHTTPClientTransport } = await load('@modelcontextprotocol/client/dist/index.mjs');

const client = new Client({ name: `era-client-${era}`, version: '1.0.0' }, era === 'modern'
  ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${bearer}` } }
});
await client.connect(transport);
const out = { era, tools: {}, reads: {}, listed: [] };
out.listed = (await client.listTools()).tools.map((t) => t.name);
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1]];
  if (flag === '--tool') {
    const result = await client.callTool({ name: value, arguments: { who: era } });
    out.tools[value] = { isError: result.isError === true, text: result.content?.[0]?.text ?? '' };
  } else if (flag === '--read') {
    const result = await client.readResource({ uri: value });
    out.reads[value] = result.contents?.[0]?.text ?? '';
  }
}
console.log(JSON.stringify(out));
await client.close();
