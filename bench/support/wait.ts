import type { FakeTwilio } from '../../test/fakes/twilio.fake';

export const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Polls `done` every `intervalMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, done: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Rejects with `what` if `work` takes longer than `timeoutMs`. */
export async function within<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until the Twilio fake has received `count` calls. Polls the count rather than FakeTwilio.waitForSent, which
 * re-filters every call on each new one: quadratic, and it runs in the process that also serves the fake.
 */
export function waitForProviderCalls(twilio: FakeTwilio, count: number, timeoutMs: number): Promise<void> {
  return waitUntil(`${count} provider calls`, () => twilio.calls.length >= count, timeoutMs, 20);
}
