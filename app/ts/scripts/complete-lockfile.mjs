// Run after `npm install` in app/ (the workspace). The registry these machines use has litesvm 1.5.0's Linux
// x64 (glibc) binary but not its other platform packages, so `npm install` leaves them out of
// package-lock.json, and `npm ci` then refuses the lockfile ("Missing: litesvm-darwin-arm64@").
// This adds the entries npm writes against the public registry: optional, gated by os/cpu/libc,
// never installed on a machine they do not match. Without integrity hashes, which this registry
// cannot supply; a machine of those platforms would have to `npm install` instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const path = join(dirname(fileURLToPath(import.meta.url)), '../../package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8'));
const litesvm = lock.packages['node_modules/litesvm'];
const platforms = {
  'litesvm-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'litesvm-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'litesvm-linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'litesvm-linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'litesvm-linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'litesvm-linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
};
let added = 0;
for (const [name, gate] of Object.entries(platforms)) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version: litesvm.optionalDependencies[name], ...gate, dev: true, license: 'MIT', optional: true, engines: litesvm.engines };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} platform entries added`);
