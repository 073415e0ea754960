import { StatementBatcher } from './statement-batcher';

/** A statement the test finishes by hand: records each batch it was given. */
function manualStatements() {
  const batches: { items: number[]; finish: () => void; fail: (error: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: () => resolve(items.map((i) => `row ${i}`)), fail: reject });
    });
  return { batches, run };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementBatcher', () => {
  it('writes items submitted together in one statement and gives each caller its own row', async () => {
    const { batches, run } = manualStatements();
    const batcher = new StatementBatcher(run);
    const results = Promise.all([1, 2, 3].map((i) => batcher.submit(i)));
    await nextTurn();
    expect(batches.map((b) => b.items)).toEqual([[1, 2, 3]]);
    batches[0].finish();
    expect(await results).toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('once four statements run, gathers what arrives into the next one', async () => {
    const { batches, run } = manualStatements();
    const batcher = new StatementBatcher(run);
    for (let i = 1; i <= 4; i += 1) {
      void batcher.submit(i);
      await nextTurn();
    }
    const waiting = [5, 6, 7].map((i) => batcher.submit(i));
    await nextTurn();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3], [4]]);
    batches[0].finish();
    await nextTurn();
    await nextTurn();
    expect(batches[4].items).toEqual([5, 6, 7]);
    batches[4].finish();
    expect(await Promise.all(waiting)).toEqual(['row 5', 'row 6', 'row 7']);
  });

  it('fails every caller of a statement that fails, and the next statement still runs', async () => {
    const { batches, run } = manualStatements();
    const batcher = new StatementBatcher(run);
    const failed = [1, 2].map((i) => batcher.submit(i));
    await nextTurn();
    batches[0].fail(new Error('connection terminated'));
    await Promise.all(failed.map((p) => expect(p).rejects.toThrow('connection terminated')));
    const later = batcher.submit(3);
    await nextTurn();
    batches[1].finish();
    expect(await later).toBe('row 3');
  });
});
