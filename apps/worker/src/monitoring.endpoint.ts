import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { MonitoringServer, Readiness } from '@herald/observability';

/**
 * The worker's `/metrics`, `/health/live` and `/health/ready` on WORKER_METRICS_PORT. It listens before any job is
 * taken (a taken port stops the boot) and closes last, after in-flight jobs have drained.
 */
@Injectable()
export class MonitoringEndpoint implements OnModuleInit, OnApplicationShutdown {
  private server: MonitoringServer | null = null;

  constructor(
    private readonly readiness: Readiness,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const port = this.config.worker.metricsPort;
    try {
      this.server = await MonitoringServer.listen(port, () => this.readiness.probe());
    } catch (error) {
      throw new Error(`cannot serve metrics on WORKER_METRICS_PORT ${port} (${(error as Error).message}); choose a free port, or 0 for any`);
    }
  }

  /** The port it listens on (the one the OS chose when WORKER_METRICS_PORT is 0). */
  get port(): number | null {
    return this.server?.port ?? null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}
