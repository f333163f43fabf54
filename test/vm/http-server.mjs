// A real server for the VM suite: answers every request with its name, and closes the connection. An optional third
// argument makes it a slower server: that many milliseconds of CPU (a busy loop) per request; 0, the default, none.
import { createServer } from 'node:http';

const [name = 'rs', port = '80', busyMs = '0'] = process.argv.slice(2);
const busy = Number(busyMs);
createServer((_req, res) => {
  if (busy > 0) {
    const until = performance.now() + busy;
    while (performance.now() < until);
  }
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(name);
}).listen(Number(port), '0.0.0.0');
