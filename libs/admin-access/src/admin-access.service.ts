import { Injectable } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { ADMIN_REALM, AdminCredentialsConfig, adminRole, AdminRole, canReadMetrics } from './admin-credentials';
import { FailedAdminLogins } from './failed-admin-logins.repository';

/** A refusal, with the headers its answer needs (the Basic challenge, or when to come back). */
export class AdminAccessRefused extends DomainError {
  constructor(
    kind: 'unauthorized' | 'rate_limited',
    code: 'admin_auth_required' | 'too_many_failed_logins',
    message: string,
    readonly headers: Record<string, string>,
  ) {
    super(kind, code, message);
  }
}

/** 401 with the Basic challenge, so a browser asks for the credentials. */
export const adminAuthRequired = () =>
  new AdminAccessRefused('unauthorized', 'admin_auth_required', 'admin credentials are required', { 'WWW-Authenticate': ADMIN_REALM });

/**
 * METRICS_AUTH on a monitoring port kept off the public network (the worker's WORKER_METRICS_PORT, the API's
 * METRICS_PORT): the same rule as on the API's port, without the count of failures, so that Prometheus can still read
 * a process while Redis is away. Null: let it read.
 */
export const metricsRefusal = (authorization: string | undefined, config: AdminCredentialsConfig & Pick<HeraldConfig, 'metrics'>) =>
  canReadMetrics(authorization, config) ? null : adminAuthRequired();

function lockedOut(leftMs: number): AdminAccessRefused {
  const seconds = Math.max(1, Math.ceil(leftMs / 1000));
  return new AdminAccessRefused('rate_limited', 'too_many_failed_logins', `too many wrong admin credentials from this address; try again in ${seconds} s`, {
    'Retry-After': String(seconds),
  });
}

/**
 * Who may use the operator surfaces (the admin API, Bull Board, /metrics on the API's port). Wrong credentials count
 * against the client's address (ADMIN_LOGIN_FAILURES per ADMIN_LOCKOUT); once they are used up, every request with
 * credentials from that address is refused, right ones included, until the lockout ends, so a guess that happens
 * to be right tells the guesser nothing. A request without credentials gets the challenge and counts for nothing
 * (a browser's first request never carries them).
 */
@Injectable()
export class AdminAccess {
  constructor(
    @InjectConfig() private readonly config: HeraldConfig,
    private readonly failures: FailedAdminLogins,
  ) {}

  /** The role the credentials give; throws AdminAccessRefused (401, or 429 while the address is locked out). */
  async authenticate(authorization: string | undefined, clientAddress: string): Promise<AdminRole> {
    if (!this.config.admin) return 'admin';
    if (!authorization) throw adminAuthRequired();
    const lockedForMs = await this.failures.take(clientAddress);
    if (lockedForMs > 0) throw lockedOut(lockedForMs);
    const role = adminRole(authorization, this.config);
    if (!role) throw adminAuthRequired();
    await this.failures.giveBack(clientAddress);
    return role;
  }

  /** The name the audit log gives whoever holds `role`: ADMIN_USER (`admin` while none is set), or `read-only`. */
  actorName(role: AdminRole): string {
    return role === 'admin' ? (this.config.admin?.user ?? 'admin') : 'read-only';
  }

  /** METRICS_AUTH on a port the public reaches: like `authenticate`, and nothing asked under METRICS_AUTH=none. */
  async authorizeMetrics(authorization: string | undefined, clientAddress: string): Promise<void> {
    if (this.config.metrics.auth === 'none') return;
    await this.authenticate(authorization, clientAddress);
  }
}
