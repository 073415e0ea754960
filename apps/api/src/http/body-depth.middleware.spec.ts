import { nestsDeeperThan } from './body-depth.middleware';

const deepObject = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
const deepArray = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('body depth', () => {
  it('counts each object or array as a level', () => {
    expect(nestsDeeperThan(deepObject(32), 32)).toBe(false);
    expect(nestsDeeperThan(deepObject(33), 32)).toBe(true);
    expect(nestsDeeperThan({ a: [1, 2, { b: [] }], c: 'x' }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: [1, 2, { b: [] }], c: 'x' }, 3)).toBe(true);
    expect(nestsDeeperThan(undefined, 0)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('answers for 40,000 nested arrays without recursing', () => {
    expect(nestsDeeperThan(deepArray(40_000), 32)).toBe(true);
    expect(nestsDeeperThan({ reference: deepArray(40_000) }, 32)).toBe(true);
  });
});
