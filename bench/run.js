#!/usr/bin/env node
// `npm run bench`: the benchmark suite (docs/benchmarks.md). `npm run bench -- --quick` is a small smoke run.
// Checks that Postgres and Redis answer, builds if dist/ is missing (the scenarios run the built apps as separate
// processes, as production does), then runs the TypeScript suite through ts-node.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { checkServices } = require('../scripts/services');

const ROOT = join(__dirname, '..');
const BUILT = ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js', 'dist/libs/persistence/src/migrate.js'];

async function main() {
  await checkServices('npm run bench');
  if (!BUILT.every((file) => existsSync(join(ROOT, file)))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.js')], { stdio: 'inherit', cwd: ROOT });
  }
  require('ts-node').register({ transpileOnly: true, project: join(ROOT, 'tsconfig.json') });
  const { runSuite } = require('./suite');
  // Exit explicitly: a benchmark that leaves a handle open must not hang CI.
  process.exit(await runSuite(process.argv.slice(2)));
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
