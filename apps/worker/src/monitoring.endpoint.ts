import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { metricsRefusal } from '@herald/admin-access';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { MonitoringServer, Readiness } from '@herald/observability';

/**
 * The worker's `/metrics` (behind METRICS_AUTH, like the API's), `/health/live` and `/health/ready` on
 * WORKER_METRICS_PORT. It listens before any job is taken (a taken port stops the boot in production; elsewhere it
 * moves to a free port and says so) and answers until the process exits, after in-flight jobs have drained: no
 * shutdown hook closes it, since Nest runs those hooks alongside the workers' own drain.
 */
@Injectable()
export class MonitoringEndpoint implements OnModuleInit {
  private readonly logger = new Logger(MonitoringEndpoint.name);
  private server: MonitoringServer | null = null;

  constructor(
    private readonly readiness: Readiness,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const { metricsPort: port, metricsPortIfTaken } = this.config.worker;
    try {
      this.server = await this.listen(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || metricsPortIfTaken === 'fail') {
        throw new Error(`cannot serve metrics on WORKER_METRICS_PORT ${port} (${(error as Error).message}); choose a free port, or 0 for any`);
      }
      this.server = await this.listen(0);
      this.logger.warn(`WORKER_METRICS_PORT ${port} is taken (another worker on this host?): metrics and health are on port ${this.server.port} instead`);
    }
  }

  private listen(port: number): Promise<MonitoringServer> {
    return MonitoringServer.listen(
      port,
      () => this.readiness.probe(),
      (authorization) => metricsRefusal(authorization, this.config),
    );
  }

  /** The port it listens on (the one the OS chose when WORKER_METRICS_PORT is 0). */
  get port(): number | null {
    return this.server?.port ?? null;
  }
}
