const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const count = (n: number) => integer.format(n);

export const perSecond = (n: number) => `${integer.format(n)}/s`;

export const ms = (n: number) => (Math.abs(n) < 10 ? `${n.toFixed(1)} ms` : `${integer.format(n)} ms`);

export const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;

export const bytes = (n: number) => (n < 1024 ? `${integer.format(n)} B` : `${(n / 1024).toFixed(2)} KiB`);

/** Herald's figure minus the baseline's, signed, e.g. `+12 ms`. */
export const msOver = (herald: number, baseline: number) => `${herald >= baseline ? '+' : '−'}${ms(Math.abs(herald - baseline))}`;

/** Herald's figure over the baseline's, e.g. `0.42×`. */
export const ratio = (herald: number, baseline: number) => `${(herald / baseline).toFixed(2)}×`;

export const latencies = (d: { p50: number; p99: number; max: number }) => `p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)}`;

export const mebibytes = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
