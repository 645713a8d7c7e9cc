// Loads packages from the pinned tools/mcp-peers folder (MCP_PEERS names it), wherever this script lives.
import { pathToFileURL } from 'node:url';

const root = process.env.MCP_PEERS;
if (!root) {
  throw new Error('MCP_PEERS must name the tools/mcp-peers folder');
}

export function load(file) {
  return import(pathToFileURL(`${root}/node_modules/${file}`).href);
}
