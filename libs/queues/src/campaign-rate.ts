/**
 * BullMQ's limiter for `perSecond` jobs a second. It counts in fixed windows, so the window is short (about 1/10 s)
 * to spread the sends evenly: a whole second's allowance at the end of one window and again at the start of the
 * next would send twice the rate within one second.
 */
export function campaignLimiter(perSecond: number): { max: number; duration: number } {
  const max = Math.ceil(perSecond / 10);
  return { max, duration: Math.round((max * 1000) / perSecond) };
}
