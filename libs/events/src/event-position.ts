import type { LogPosition } from '@herald/persistence';

/** A place in a merchant's event log, as numbers (see LogPosition): events sort by (xid, id). */
export interface EventPosition {
  xid: bigint;
  id: bigint;
}

/** Before every event. */
export const LOG_START: EventPosition = { xid: 0n, id: 0n };

export const comparePositions = (a: EventPosition, b: EventPosition): number =>
  a.xid !== b.xid ? (a.xid < b.xid ? -1 : 1) : a.id !== b.id ? (a.id < b.id ? -1 : 1) : 0;

export const laterOf = (a: EventPosition, b: EventPosition): EventPosition => (comparePositions(a, b) >= 0 ? a : b);

/** Just before the first event of transaction `horizon`: past every event that is settled at that horizon. */
export const positionAtHorizon = (horizon: string): EventPosition => ({ xid: BigInt(horizon), id: 0n });

export const toLogPosition = (position: EventPosition): LogPosition => ({ xid: position.xid.toString(), id: position.id.toString() });

export const positionOf = (event: { orderXid: string; id: string }): EventPosition => ({ xid: BigInt(event.orderXid), id: BigInt(event.id) });
