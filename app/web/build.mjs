// Bundles the page into dist/: index.html, app.js (the page and @diem/client, the workspace's
// ES module, which must be built first), and metadata/ (DIEM's metadata JSON and logo from migrations/metadata, which the
// launch URI points at: see the README, "Hosting the DIEM metadata").
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const out = join(here, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: join(out, 'app.js'),
  // The generated client keeps error messages unless NODE_ENV is "production".
  define: { 'process.env.NODE_ENV': '"development"' },
  logLevel: 'warning',
});
cpSync(join(here, 'index.html'), join(out, 'index.html'));
cpSync(join(here, 'style.css'), join(out, 'style.css'));
cpSync(join(here, '../../migrations/metadata'), join(out, 'metadata'), { recursive: true });
console.log(`built ${out}`);
