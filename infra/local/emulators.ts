import type { Server } from 'node:http';
import sesModule from 'aws-ses-v2-local';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

// aws-ses-v2-local is CommonJS with an ES default export; under ESM it arrives wrapped once more.
const sesServer = ((sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule) as typeof sesModule;

const SES_KEEP_ALIVE_MS = 120_000;

/** The SES v2 emulator (captured mail readable over its HTTP store) and the SNS/SQS emulator. */
export class MessagingEmulators {
  private ses: Server | undefined;
  private fauxqs: FauxqsServer | undefined;

  constructor(readonly ports: { ses: number; snsSqs: number }) {}

  get sesEndpoint(): string {
    return `http://127.0.0.1:${this.ports.ses}`;
  }

  get snsSqsEndpoint(): string {
    return `http://127.0.0.1:${this.ports.snsSqs}`;
  }

  async start(): Promise<void> {
    this.ses = await sesServer({ host: '127.0.0.1', port: this.ports.ses });
    // Node closes an idle keep-alive socket after 5 s; the SDK's agent may pick that socket for its
    // next call in the same instant and get "socket hang up". SES sends are never retried blindly
    // (the message is left in doubt), so keep idle sockets open far longer than any pause here.
    this.ses.keepAliveTimeout = SES_KEEP_ALIVE_MS;
    this.ses.headersTimeout = SES_KEEP_ALIVE_MS + 1_000;
    // `host` only names queue URLs (sqs.<region>.localhost); the SDK sends requests to the endpoint.
    this.fauxqs = await startFauxqs({ port: this.ports.snsSqs, host: 'localhost', logger: false });
  }

  async stop(): Promise<void> {
    await this.fauxqs?.stop();
    const ses = this.ses;
    if (ses) {
      ses.closeAllConnections?.();
      await new Promise<void>((resolve) => ses.close(() => resolve()));
    }
  }
}
