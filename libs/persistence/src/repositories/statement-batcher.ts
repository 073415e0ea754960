const MAX_BATCH = 100;

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for one kind of write: concurrent callers' items are written by `run` in one statement, which gives
 * back one result per item, in the items' order. One statement runs at a time: items submitted while it runs wait for
 * it and go together in the next, so a busy process writes in large batches and an idle one without delay. Each
 * caller's promise settles only once that statement has committed; if it fails, every caller in the batch gets the
 * error.
 */
export class StatementBatcher<I, R = void> {
  private pending: Pending<I, R>[] = [];
  private running = false;
  private scheduled = false;

  constructor(private readonly run: (items: I[]) => Promise<R[]>) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Flushes after the current event-loop turn, so items submitted in the same turn share the statement. */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (!batch.length) return;
    this.running = true;
    this.run(batch.map((p) => p.item))
      .then(
        (results) => batch.forEach((p, i) => p.resolve(results[i])),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.running = false;
        if (this.pending.length) this.schedule();
      });
  }
}
