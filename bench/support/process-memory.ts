import { readFile, writeFile } from 'node:fs/promises';

/** A process's resident memory now, and its peak since the last reset, from Linux's /proc/<pid>/status. */
async function residentBytes(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { now: kib('VmRSS'), peak: kib('VmHWM') };
}

export interface MemoryDuring<T> {
  result: T;
  /** Resident memory when the work started. */
  beforeBytes: number;
  /** The highest resident memory while it ran. */
  peakBytes: number;
}

/**
 * Peak resident memory (RSS) of process `pid` while `work` runs: the kernel's high-water mark, reset just before (a
 * write of 5 to /proc/<pid>/clear_refs), so the process's own start-up does not count; RSS is also sampled every
 * 20 ms as a check.
 */
export async function peakMemoryDuring<T>(pid: number, work: () => Promise<T>): Promise<MemoryDuring<T>> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
  const before = await residentBytes(pid);
  let sampled = before.now;
  const sampler = setInterval(() => {
    residentBytes(pid).then(
      (rss) => (sampled = Math.max(sampled, rss.now)),
      () => undefined,
    );
  }, 20);
  try {
    const result = await work();
    const after = await residentBytes(pid);
    return { result, beforeBytes: before.now, peakBytes: Math.max(after.peak, sampled) };
  } finally {
    clearInterval(sampler);
  }
}
