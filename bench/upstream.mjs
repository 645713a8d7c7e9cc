// The benchmark's upstream: server-everything over Streamable HTTP (PORT from the environment), with Node's idle
// keep-alive raised from 5 s to 10 min. Tollgate pools upstream connections for minutes; with Node's default, a
// connection idle through a direct-only phase is closed under it, and a stale connection costs a failed call.
import http from 'node:http';

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
  this.keepAliveTimeout = 600_000;
  this.headersTimeout = 601_000;
  return listen.apply(this, args);
};
process.argv = [process.argv[0], 'index.js', 'streamableHttp'];
await import(new URL('../tools/mcp-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js',
  import.meta.url));
