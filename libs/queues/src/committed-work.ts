import { Logger } from '@nestjs/common';

/**
 * How long a request waits for Redis to take the jobs of what it has just committed before it answers without them.
 * Long enough for a healthy Redis under load; a failover (a Sentinel's, a managed service's switch-over) or an outage
 * is not waited out.
 */
export const COMMITTED_WORK_WAIT_MS = 2000;

const logger = new Logger('CommittedWork');

/**
 * Puts in Redis the jobs of work already committed to Postgres (adding, moving or removing them), without ever failing
 * the request for it: the work will happen whether Redis takes the jobs now or not, so a 5xx would only invite a retry
 * that does it twice. The reconciliation rebuilds from Postgres every job that is missing (a pending notification's
 * send, an unfinished campaign's fan-out, an export run due), and a command still waiting for Redis is sent when Redis
 * is back (job ids are deterministic: whichever comes second is a no-op). A job that could not be removed is harmless:
 * the worker re-reads Postgres before it sends. Returns whether Redis took the jobs within the wait; otherwise the
 * caller answers with what it stored (`queued` or `scheduled`: waiting for the queue).
 */
export async function settleCommittedWork(what: string, enqueue: () => Promise<unknown>, waitMs = COMMITTED_WORK_WAIT_MS): Promise<boolean> {
  const work = Promise.resolve().then(enqueue).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
  try {
    if (await Promise.race([work, late])) return true;
    logger.warn({ msg: 'Redis did not take the jobs of committed work in time: answered without them, the reconciliation restores them', what, waitMs });
    work.catch((error: Error) => logger.warn({ msg: 'the jobs of committed work were not queued: the reconciliation restores them', what, error: error.message }));
    return false;
  } catch (error) {
    logger.warn({ msg: 'the jobs of committed work were not queued: the reconciliation restores them', what, error: (error as Error).message });
    return false;
  } finally {
    clearTimeout(timer);
  }
}
