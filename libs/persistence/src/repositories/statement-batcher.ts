/** Items submitted within this long of each other share one statement and one commit. */
const GATHER_MS = 2;
const MAX_BATCH = 100;

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for one kind of write: concurrent callers' items are gathered for a moment and written by `run` in
 * one statement, which gives back one result per item, in the items' order. Each caller's promise settles only once
 * that statement has committed; if it fails, every caller in the batch gets the error.
 */
export class StatementBatcher<I, R = void> {
  private pending: Pending<I, R>[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly run: (items: I[]) => Promise<R[]>) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= MAX_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), GATHER_MS);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    this.run(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i])),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
