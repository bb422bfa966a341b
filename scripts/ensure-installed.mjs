// Runs before `npm test` and `npm start`: makes sure everything needed is installed, so both work on a
// fresh clone. Only Node's standard library is used here, because packages may not be installed yet.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  execFileSync(command, args, { stdio: 'inherit' });
}

function packagesAreCurrent() {
  const marker = 'node_modules/.package-lock.json';
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs - 1000;
}

// `npm install` rather than `npm ci`: npm 11 here writes lock files without the other platforms' optional
// packages (Biome, Rollup), which `npm ci` then rejects as out of sync.
if (!packagesAreCurrent()) run('npm', ['install', '--no-audit', '--no-fund']);

// better-sqlite3 is compiled on install; a Node upgrade or an install with scripts disabled leaves it
// without a working binary.
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (error) {
  console.log(`better-sqlite3 is not usable (${error.message.split('\n')[0]}); rebuilding it.`);
  run('npm', ['rebuild', 'better-sqlite3']);
}

// The browser tests drive Debian's Chromium through playwright-core (`npx playwright install` cannot
// download browsers here). Before tests only (`--for-tests`), it is installed with apt when running as
// root, as CI does; otherwise this says how. `npm start` never installs system packages.
process.env.DEBIAN_FRONTEND ??= 'noninteractive';
const chromiumPaths = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const forTests = process.argv.includes('--for-tests');
if (forTests && !chromiumPaths.some((file) => existsSync(file))) {
  if (process.getuid?.() === 0) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  } else {
    console.log('Chromium is missing; the browser tests need it: sudo apt-get install -y chromium');
  }
}
