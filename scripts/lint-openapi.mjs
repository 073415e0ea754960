#!/usr/bin/env node
// Lints Herald's OpenAPI document with Redocly's recommended ruleset: `node scripts/lint-openapi.mjs [file or URL]`
// (default: the /docs-json of a Herald on PORT, or 3000). Prints each problem, then one JSON line
// `{"errors":N,"warnings":N}`; exits 1 when there is an error. test/e2e/openapi.e2e-spec.ts runs it in CI.
import { readFile } from 'node:fs/promises';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const target = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 3000}/docs-json`;
const source = /^https?:\/\//.test(target) ? await (await fetch(target)).text() : await readFile(target, 'utf8');

const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });

for (const problem of problems) {
  const where = problem.location.map((location) => location.pointer).join(', ');
  console.log(`${problem.severity} ${problem.ruleId}: ${problem.message} (${where})`);
}
const count = (severity) => problems.filter((problem) => problem.severity === severity).length;
console.log(JSON.stringify({ errors: count('error'), warnings: count('warn') }));
process.exitCode = count('error') > 0 ? 1 : 0;
