import { settleCommittedWork } from './committed-work';

describe('settleCommittedWork: the jobs of committed work never fail the request', () => {
  it('says Redis took the jobs when the enqueue finishes within the wait', async () => {
    let added = 0;
    await expect(settleCommittedWork('order o-1', async () => void (added += 1), 1000)).resolves.toBe(true);
    expect(added).toBe(1);
  });

  it('answers without the jobs, never throwing, when Redis refuses them or the enqueue throws at once', async () => {
    await expect(settleCommittedWork('order o-2', () => Promise.reject(new Error('READONLY You cannot write against a read only replica.')), 1000)).resolves.toBe(false);
    await expect(
      settleCommittedWork('order o-3', () => {
        throw new Error('Connection is closed.');
      }, 1000),
    ).resolves.toBe(false);
  });

  it('stops waiting for a Redis that does not answer, and the late enqueue still completes on its own', async () => {
    let finishLate!: () => void;
    const late = new Promise<void>((resolve) => (finishLate = resolve));
    // It answers while the enqueue is still pending: it did not wait for Redis.
    await expect(settleCommittedWork('order o-4', () => late, 100)).resolves.toBe(false);
    finishLate(); // Redis back: the command goes through; nothing is thrown at anyone
    await late;
  });
});
