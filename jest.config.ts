import { availableParallelism } from 'node:os';
import type { Config } from 'jest';
import { pathsToModuleNameMapper } from 'ts-jest';
import { compilerOptions } from './tsconfig.base.json';

const moduleNameMapper = {
  ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  // @vonage/jwt (under Vonage's SDK) requires uuid 14, which is ESM only: Node loads it (require of ESM), jest's module
  // runtime cannot, so tests get the CommonJS build of the uuid already installed for BullMQ (the SDK uses only v4).
  '^uuid$': '<rootDir>/node_modules/uuid/dist/cjs/index.js',
};
const transform: Config['transform'] = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

const config: Config = {
  // Runs once before both projects: clears databases and queues left by runs that were killed, migrates the template
  // database each test file's database is copied from; the teardown drops it.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Test files are independent (each its own database and queue prefix) and mostly wait on processes and timers: two
  // jest workers per core. On a 2-core machine the whole suite took 428 s with two workers (CPU about a third used)
  // and 321 s with four, with no failure; beyond that the CPU is the limit.
  maxWorkers: 2 * availableParallelism(),
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/deploy'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      slowTestThreshold: 60,
    },
  ],
};

export default config;
