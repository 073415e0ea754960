// What `npm start` and `npm test` need before anything runs: dependencies installed, Postgres and Redis answering.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

// The contract's defaults, repeated here because this runs before the build (libs/config is TypeScript).
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/herald';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort), timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function checkServices(command) {
  const [postgres, redis] = await Promise.all([reachable(DATABASE_URL, 5432), reachable(REDIS_URL, 6379)]);
  const missing = [];
  if (!postgres) {
    missing.push(
      `Postgres is not reachable at ${new URL(DATABASE_URL).host}. Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL.`,
    );
  }
  if (!redis) {
    const { host, port } = new URL(REDIS_URL);
    missing.push(
      `Redis is not reachable at ${host}. Start it (redis-server --daemonize yes --bind 127.0.0.1 --port ${port || 6379}) or set REDIS_URL.`,
    );
  }
  if (missing.length) {
    throw new Error(`${command}: ${missing.join('\n')}\nOr run everything in containers: docker compose up`);
  }
}

/** A fresh clone has no node_modules: install exactly what the lockfile pins. */
function ensureInstalled() {
  const root = path.join(__dirname, '..');
  if (fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) return;
  process.stdout.write('Installing dependencies (npm ci)...\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

module.exports = { checkServices, ensureInstalled };
