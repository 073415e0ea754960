import { retryOnDeadlock } from './deadlock-retry';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retryOnDeadlock', () => {
  it('runs the transaction again when Postgres aborted it to break a deadlock, and gives its outcome', async () => {
    let runs = 0;
    const outcome = await retryOnDeadlock(async () => {
      runs += 1;
      if (runs === 1) throw deadlock();
      return 'cancelled';
    });
    expect([outcome, runs]).toEqual(['cancelled', 2]);
  });

  it('passes any other failure on at once, and a deadlock after the last attempt', async () => {
    let runs = 0;
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(retryOnDeadlock(async () => (runs++, Promise.reject(unique)))).rejects.toBe(unique);
    expect(runs).toBe(1);
    runs = 0;
    await expect(retryOnDeadlock(async () => (runs++, Promise.reject(deadlock())), 3)).rejects.toMatchObject({ code: '40P01' });
    expect(runs).toBe(3);
  });
});
