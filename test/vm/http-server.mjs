// A real server for the VM suite: answers every request with its name, and closes the connection.
import { createServer } from 'node:http';

const [name = 'rs', port = '80'] = process.argv.slice(2);
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(name);
}).listen(Number(port), '0.0.0.0');
