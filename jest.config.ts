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
  // Test files are independent (each its own database and queue prefix) and mostly wait on processes and timers: one
  // jest worker per core, two on the smallest machine (jest's default leaves a core idle).
  maxWorkers: Math.max(2, availableParallelism()),
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
