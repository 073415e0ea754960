import { hostname } from 'node:os';

/** Names this process in histories and ledgers, so an operator can tell which worker did what. */
export const PROCESS_ID = `${hostname()}:${process.pid}`;
