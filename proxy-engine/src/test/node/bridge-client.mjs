// An MCP client of one era (TypeScript SDK v2) that can be asked things: `modern` pins 2026-07-28, `legacy`
// runs the 2025 handshake; both declare elicitation and sampling, accept every elicitation with the name
// "Ada <era>" and answer every sampling request with "sampled for <era>".
// Calls each named tool (arguments as JSON), reads each named resource, and prints one JSON line with what it got
// and which questions it answered.
// Usage: node bridge-client.mjs modern|legacy URL BEARER --call NAME ARGS_JSON ... --read URI ...
import { load } from './peers.mjs';

const [era, url, bearer, ...rest] = process.argv.slice(2);
const { Client, StreamableHTTPClientTransport } = await load('@modelcontextprotocol/client/dist/index.mjs');

const client = new Client({ name: `bridge-client-${era}`, version: '1.0.0' }, {
  capabilities: { elicitation: { form: {} }, sampling: {} },
  ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {})
});
const out = { era, calls: {}, reads: {}, asked: [] };
client.setRequestHandler('elicitation/create', async () => {
  out.asked.push('elicitation/create');
  return { action: 'accept', content: { name: `Ada ${era}`, check: true } };
});
client.setRequestHandler('sampling/createMessage', async () => {
  out.asked.push('sampling/createMessage');
  return { model: 'test-model', role: 'assistant', content: { type: 'text', text: `sampled for ${era}` } };
});
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${bearer}` } }
});
await client.connect(transport);
for (let i = 0; i < rest.length;) {
  const flag = rest[i];
  if (flag === '--call') {
    const [name, args] = [rest[i + 1], JSON.parse(rest[i + 2])];
    i += 3;
    try {
      const result = await client.callTool({ name, arguments: args });
      out.calls[name] = { isError: result.isError === true,
        text: (result.content ?? []).map((c) => c.text ?? '').join('\n') };
    } catch (error) {
      out.calls[name] = { isError: true, text: `thrown: ${error.message}` };
    }
  } else if (flag === '--read') {
    const uri = rest[i + 1];
    i += 2;
    const result = await client.readResource({ uri });
    out.reads[uri] = result.contents?.[0]?.text ?? '';
  } else {
    throw new Error(`unknown flag ${flag}`);
  }
}
console.log(JSON.stringify(out));
await client.close();
