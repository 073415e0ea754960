#!/usr/bin/env node
// `npm test`: the whole suite against the real Redis and Postgres. Builds first (the end-to-end tests run the built
// apps as separate processes, as production does), then prints one closing line: `tests: N passed, N failed`.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./local-env').loadLocalEnv(); // before services.js reads DATABASE_URL and REDIS_URL
const { checkServices, ensureInstalled } = require('./services');

async function main() {
  ensureInstalled();
  await checkServices('npm test');
  execFileSync(process.execPath, [`${__dirname}/build.js`], { stdio: 'inherit' });
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'herald-jest-')), 'summary.json');
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--json', `--outputFile=${summaryFile}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (fs.existsSync(summaryFile)) {
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
    process.stdout.write(`tests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed\n`);
  }
  process.exit(jest.status ?? 1);
}

main().catch((error) => {
  if (error.status !== undefined) process.exit(error.status);
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
