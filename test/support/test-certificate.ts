import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl when a test starts and deleted when it
 * ends (no key is ever committed). It is its own CA: clients trust it by taking `certFile` as their CA.
 */
export class TestCertificate {
  private constructor(
    private readonly dir: string,
    readonly certFile: string,
    readonly keyFile: string,
  ) {}

  static async create(): Promise<TestCertificate> {
    const dir = mkdtempSync(join(tmpdir(), 'herald-tls-'));
    const certFile = join(dir, 'redis.crt');
    const keyFile = join(dir, 'redis.key');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return new TestCertificate(dir, certFile, keyFile);
  }

  get pem(): string {
    return readFileSync(this.certFile, 'utf8');
  }

  /** redis-server's arguments to speak TLS only, on `port`; clients need no certificate of their own. */
  serverArgs(port: number): string[] {
    return [
      '--port', '0', '--tls-port', String(port),
      '--tls-cert-file', this.certFile, '--tls-key-file', this.keyFile, '--tls-ca-cert-file', this.certFile,
      '--tls-auth-clients', 'no',
    ];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
