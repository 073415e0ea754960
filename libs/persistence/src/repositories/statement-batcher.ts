/** Items submitted within this long of each other share one statement and one commit. */
const GATHER_MS = 2;
const MAX_BATCH = 100;

interface Pending<I> {
  item: I;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for one kind of write: concurrent callers' items are gathered for a moment and written by `run` in
 * one statement. Each caller's promise settles only once that statement has committed; if it fails, every caller in
 * the batch gets the error.
 */
export class StatementBatcher<I> {
  private pending: Pending<I>[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly run: (items: I[]) => Promise<void>) {}

  submit(item: I): Promise<void> {
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
      () => batch.forEach((p) => p.resolve()),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
