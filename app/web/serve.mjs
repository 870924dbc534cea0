// Serves dist/ on loopback: `node serve.mjs [port]` (default 5173). Static files only; the page
// talks to the RPC URL given as `?rpc=` (default http://127.0.0.1:8899).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const port = Number(process.argv[2] ?? process.env.PORT ?? 5173);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.map': 'application/json' };

if (!existsSync(join(root, 'index.html'))) {
  console.error('dist/ is not built: run `npm run build` in app/web');
  process.exit(1);
}
createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(root, path);
  if (!file.startsWith(root)) file = root;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `no such file: ${path}` }));
    return;
  }
  // Wallets fetch the metadata from other origins.
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'access-control-allow-origin': '*' });
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`DIEM staking page at http://127.0.0.1:${port}/`));
