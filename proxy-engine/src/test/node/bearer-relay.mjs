// Relays every HTTP request on PORT to TARGET unchanged (method, path, headers including Host and Origin,
// body, streamed answers), adding only `Authorization: Bearer BEARER`: the conformance suite cannot send
// credentials, and Tollgate requires them. Usage: PORT=N TARGET=http://127.0.0.1:M BEARER=key node bearer-relay.mjs
import http from 'node:http';

const port = Number(process.env.PORT);
const target = new URL(process.env.TARGET);
const bearer = process.env.BEARER;

http.createServer((req, res) => {
  const upstream = http.request({
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: { ...req.headers, authorization: `Bearer ${bearer}` }
  }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502);
    }
    res.end();
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}).listen(port, '127.0.0.1', () => console.log(`relay listening on ${port}`));
