const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);
// `max retries per request`: an ioredis client that gives up on a command after its reconnect attempts.
const OUTAGE_MESSAGE =
  /Connection terminated|connection timeout|Connection is closed|timeout exceeded when trying to connect|ECONNREFUSED|the database system is (starting up|shutting down)|Reached the max retries per request limit/i;

/** True when the error says Postgres or Redis is down or restarting (not that the request or the data is wrong). */
export function isDependencyOutage(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: unknown } | null;
  if (!e) return false;
  if (OUTAGE_CODES.has(e.code ?? '') || OUTAGE_MESSAGE.test(e.message ?? '')) return true;
  return e.driverError !== undefined && isDependencyOutage(e.driverError);
}
