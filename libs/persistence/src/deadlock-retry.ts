/** Postgres's code for a transaction it aborted to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

/**
 * Runs `work` (a whole transaction, safe to run again) and runs it again when Postgres aborted it to break a deadlock.
 * A transaction that changes many notifications at once (a campaign's cancel) can meet the workers' grouped claims and
 * `sent` writes locking the same rows in another order; Postgres then aborts one of them, and the other goes through,
 * so a second try finds the rows free. The caller never sees the deadlock, only its outcome.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= attempts) throw error;
    }
  }
}
