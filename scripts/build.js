#!/usr/bin/env node
// `npm run build`: compile apps and libs with tsc into dist/, then rewrite the @herald/* path aliases into
// relative requires so plain `node dist/...` runs them; then type-check and bundle the console (Vite) into
// dist/apps/console, which the API serves at /console.
const { execFileSync } = require('node:child_process');

const run = (script, args) => execFileSync(process.execPath, [require.resolve(script), ...args], { stdio: 'inherit' });
run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json']);
run('typescript/bin/tsc', ['-p', 'apps/console/tsconfig.json']);
run(`${__dirname}/../node_modules/vite/bin/vite.js`, ['build', '--config', 'apps/console/vite.config.mjs']);
