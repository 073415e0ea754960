import { DataSource, QueryRunner } from 'typeorm';
import { dataSourceOptions, EventLogCommits, NotificationRepository } from '@herald/persistence';
import { EventStreamClient } from '../support/event-stream-client';
import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(60_000);

/**
 * Event ids and transaction ids are handed out before commit, so events become visible out of order. These tests
 * hold a writer's transaction open, with Herald's own repository, and check what a reader of the feed and of the
 * stream sees meanwhile and afterwards.
 */
describe('the event log never skips an event and keeps each notification in order', () => {
  let stack: HeraldStack;
  let db: DataSource;
  let notifications: NotificationRepository;
  let merchant: HeraldClient;
  const open: QueryRunner[] = [];

  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
    db = await new DataSource(dataSourceOptions(stack.environment.env.DATABASE_URL, 4)).initialize();
    notifications = new NotificationRepository(db, new EventLogCommits());
    merchant = await stack.client.createMerchant();
  });
  afterAll(async () => {
    for (const runner of open) await runner.release().catch(() => undefined);
    await db?.destroy();
    await stack?.stop();
  });

  /** A notification waiting far in the future: nothing but the test changes it. */
  const scheduled = async (phone: string): Promise<string> => {
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Later', sendAt });
    return created.body.id;
  };
  const transaction = async (): Promise<QueryRunner> => {
    const runner = db.createQueryRunner();
    open.push(runner);
    await runner.startTransaction();
    return runner;
  };
  const feedAfter = async (cursor?: string) => (await merchant.request('GET', `/v1/events${cursor ? `?after=${cursor}` : ''}`)).body;
  /**
   * Polls the feed from `cursor`, following nextCursor, until `count` events came. A poll may bring nothing yet: any
   * transaction still running in the Postgres cluster (other test files share it) holds the horizon back a moment.
   */
  const pollFeed = async (cursor: string | undefined, count: number): Promise<{ events: any[]; nextCursor: string }> => {
    const events: any[] = [];
    const deadline = Date.now() + 10_000;
    while (events.length < count) {
      if (Date.now() > deadline) {
        const running = await stack.environment.query(
          `SELECT datname, state, backend_xid::text, now() - xact_start AS age, left(query, 60) AS query FROM pg_stat_activity WHERE backend_xid IS NOT NULL`,
        );
        throw new Error(`the feed gave ${events.length} of ${count} events; transactions running: ${JSON.stringify(running)}`);
      }
      const page = await feedAfter(cursor);
      events.push(...page.data);
      cursor = page.nextCursor;
      if (events.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { events, nextCursor: cursor! };
  };

  it('holds back an event committed after an older one still in flight, and serves both once it commits', async () => {
    const [slow, fast] = [await scheduled('+33690000001'), await scheduled('+33690000002')];
    const { nextCursor: start } = await pollFeed(undefined, 2);
    const stream = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${merchant.apiKey}` });

    // The slow writer takes the lower event id and transaction id, and has not committed yet.
    const writer = await transaction();
    await notifications.transition(slow, { to: 'cancelled', from: ['scheduled'], detail: { by: 'merchant' } }, writer.manager);
    await notifications.transition(fast, { to: 'cancelled', from: ['scheduled'], detail: { by: 'merchant' } });
    const visible = await stack.environment.query<{ status: string }>(`SELECT status FROM notification_events WHERE notification_id = $1 ORDER BY id`, [fast]);
    expect(visible.map((row) => row.status)).toEqual(['scheduled', 'cancelled']); // committed, and visible to any reader

    const meanwhile = await feedAfter(start);
    expect(meanwhile.data).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.events).toEqual([]);

    // A reader that moved on with the cursor it was given still gets both, once each.
    await writer.commitTransaction();
    const after = await pollFeed(meanwhile.nextCursor, 2);
    expect(after.events.map((e: any) => [e.notificationId, e.status])).toEqual([
      [slow, 'cancelled'],
      [fast, 'cancelled'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await feedAfter(after.nextCursor)).data).toEqual([]);
    await stream.waitFor((s) => s.events.length === 2, 'both events', 10_000);
    expect(stream.events.map((e) => e.data.id)).toEqual(after.events.map((e: any) => e.id));
    stream.close();
  });

  it("keeps a notification's events in the order they were written, even when the later one's transaction id is lower", async () => {
    merchant = await stack.client.createMerchant();
    const id = await scheduled('+33690000003');
    const { nextCursor: start } = await pollFeed(undefined, 1);
    const older = await transaction();
    await older.query('SELECT pg_current_xact_id()'); // this transaction now holds a lower id than the next one
    await notifications.transition(id, { to: 'queued', from: ['scheduled'], detail: { by: 'test' } });
    await notifications.transition(id, { to: 'cancelled', from: ['queued'], detail: { by: 'merchant' } }, older.manager);
    await older.commitTransaction();

    const [{ xids }] = await stack.environment.query<{ xids: string[] }>(
      `SELECT array_agg(order_xid::text ORDER BY id) AS xids FROM notification_events WHERE notification_id = $1`,
      [id],
    );
    expect(xids[2]).toBe(xids[1]); // the cancellation sorts with, not before, the change it followed
    const feed = await pollFeed(start, 2);
    expect(feed.events.map((e: any) => e.status)).toEqual(['queued', 'cancelled']);
    const resumed = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${merchant.apiKey}`, 'last-event-id': start });
    await resumed.waitFor((s) => s.events.length === 2, 'the two events', 10_000);
    expect(resumed.events.map((e) => e.data.status)).toEqual(['queued', 'cancelled']);
    resumed.close();
  });
});
