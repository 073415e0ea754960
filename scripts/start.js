#!/usr/bin/env node
// `npm start`: local Herald in one command. Checks Postgres and Redis, builds, migrates, then runs one API and one
// worker process side by side until Ctrl-C (which stops both gracefully).
const { execFileSync, spawn } = require('node:child_process');
require('./local-env').loadLocalEnv(); // before services.js reads DATABASE_URL and REDIS_URL
const { checkServices, ensureInstalled } = require('./services');

const root = `${__dirname}/..`;

async function main() {
  ensureInstalled();
  await checkServices('npm start');
  execFileSync(process.execPath, [`${__dirname}/build.js`], { stdio: 'inherit' });
  execFileSync(process.execPath, [`${root}/dist/libs/persistence/src/migrate.js`], { stdio: 'inherit' });

  const children = ['api', 'worker'].map((app) =>
    spawn(process.execPath, [`${root}/dist/apps/${app}/src/main.js`], { stdio: 'inherit' }),
  );
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGTERM'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let exitCode = 0;
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.once('exit', (code) => {
            if (code) exitCode = code;
            stop('SIGTERM'); // one process gone means Herald is down: stop the other too
            resolve();
          }),
        ),
    ),
  );
  process.exit(exitCode);
}

main().catch((error) => {
  if (error.status !== undefined) process.exit(error.status);
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
