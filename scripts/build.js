#!/usr/bin/env node
// `npm run build`: compile apps and libs with tsc into dist/, then rewrite the @herald/* path aliases into
// relative requires so plain `node dist/...` runs them.
const { execFileSync } = require('node:child_process');

const run = (script, args) => execFileSync(process.execPath, [require.resolve(script), ...args], { stdio: 'inherit' });
run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json']);
