#!/usr/bin/env node
// `npm test`: the whole suite against the real Redis and Postgres. Builds first (the end-to-end tests run the built
// apps as separate processes, as production does).
const { execFileSync } = require('node:child_process');
const { checkServices, ensureInstalled } = require('./services');

async function main() {
  ensureInstalled();
  await checkServices('npm test');
  execFileSync(process.execPath, [`${__dirname}/build.js`], { stdio: 'inherit' });
  execFileSync(process.execPath, [require.resolve('jest/bin/jest'), '--ci', ...process.argv.slice(2)], { stdio: 'inherit' });
}

main().catch((error) => {
  if (error.status !== undefined) process.exit(error.status);
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
