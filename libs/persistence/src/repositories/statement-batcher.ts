const MAX_BATCH = 100;
/** Statements of one kind running at once: a slow commit does not hold every other item back. */
const MAX_IN_FLIGHT = 4;

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for one kind of write: concurrent callers' items are written by `run` in one statement, which gives
 * back one result per item, in the items' order. Items submitted in the same event-loop turn share a statement; once
 * MAX_IN_FLIGHT statements run, the items that arrive wait and go together in the next, so a busy process writes in
 * large batches and an idle one without delay. Each caller's promise settles only once its statement has committed;
 * if it fails, every caller in the batch gets the error.
 */
export class StatementBatcher<I, R = void> {
  private pending: Pending<I, R>[] = [];
  private running = 0;
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
    if (this.running >= MAX_IN_FLIGHT || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (!batch.length) return;
    this.running += 1;
    this.run(batch.map((p) => p.item))
      .then(
        (results) => batch.forEach((p, i) => p.resolve(results[i])),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.running -= 1;
        if (this.pending.length) this.schedule();
      });
    if (this.pending.length) this.schedule();
  }
}
