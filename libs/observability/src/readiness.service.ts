import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Module, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import type { RedisClient } from '@herald/redis';
import { CRITICAL_QUEUE, QueuesModule } from '@herald/queues';

const CHECK_TIMEOUT_MS = 1000;

/** Facts shown in the readiness report's details that never make a process unready (e.g. the SMS providers' health). */
const readinessDetails = new Map<string, () => Promise<Record<string, unknown>>>();

/** Adds `read()`'s answer to /health/ready's details under `name`, as an `up` entry: informative, never the status. */
export function registerReadinessDetail(name: string, read: () => Promise<Record<string, unknown>>): void {
  readinessDetails.set(name, read);
}

/** Ready to work: Postgres and Redis both answer within a second. The API and the worker ask the same question. */
@Injectable()
export class Readiness {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(CRITICAL_QUEUE) private readonly critical: Queue,
  ) {}

  /** Terminus's report; throws ServiceUnavailableException (carrying the report) when a dependency is down. */
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.postgres.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }),
      () => this.redis(),
      ...[...readinessDetails].map(([name, read]) => () => this.detail(name, read)),
    ]);
  }

  /** The same answer as a value, for servers that are not Nest controllers. */
  async probe(): Promise<{ ready: boolean; report: unknown }> {
    try {
      return { ready: true, report: await this.check() };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return { ready: false, report: error.getResponse() };
      throw error;
    }
  }

  /** Up whatever it says: a detail that cannot be read says why, and readiness stays Postgres' and Redis'. */
  private async detail(name: string, read: () => Promise<Record<string, unknown>>) {
    const indicator = this.indicators.check(name);
    try {
      return indicator.up(await Promise.race([read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref())]));
    } catch (error) {
      return indicator.up({ unknown: (error as Error).message });
    }
  }

  private async redis() {
    const indicator = this.indicators.check('redis');
    try {
      const client = (await this.critical.client) as unknown as RedisClient;
      await Promise.race([
        client.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref()),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), QueuesModule],
  providers: [Readiness],
  exports: [Readiness],
})
export class ReadinessModule {}
