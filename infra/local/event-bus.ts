import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface BusRule {
  name: string;
  busName: string;
  pattern: Record<string, unknown>;
  targets: Array<{
    id: string;
    deliver: (event: BusEvent) => Promise<void>;
    /** Delivers the matching events of one PutEvents call together (a queue target: one SendMessageBatch per 10). */
    deliverAll?: (events: BusEvent[]) => Promise<void>;
  }>;
}

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/**
 * EventBridge, locally: answers PutEvents over the JSON protocol (so handlers use the real
 * EventBridgeClient), matches the template's rules and delivers to their targets.
 */
export class LocalEventBus {
  private server: Server | undefined;
  readonly delivered: Array<{ rule: string; target: string; error?: string }> = [];
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly rules: BusRule[],
    private readonly now: () => Date,
  ) {}

  async listen(port: number): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        if (target !== 'AWSEvents.PutEvents') {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'UnknownOperationException', message: `the local event bus answers PutEvents only, not ${target}` }));
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Entries?: Array<Record<string, unknown>> };
        const entries = this.putAll(body.Entries ?? []);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ FailedEntryCount: 0, Entries: entries.map((id) => ({ EventId: id })) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Waits for deliveries in flight (for settle). */
  async drain(): Promise<boolean> {
    if (this.pending.size === 0) return false;
    await Promise.allSettled([...this.pending]);
    return true;
  }

  put(entry: Record<string, unknown>): string {
    return this.putAll([entry])[0]!;
  }

  /** One PutEvents call: each entry matched against the rules, each target given its matching events. */
  putAll(entries: ReadonlyArray<Record<string, unknown>>): string[] {
    const matched = new Map<BusRule['targets'][number], { rule: string; events: BusEvent[] }>();
    const ids = entries.map((entry) => {
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': String(entry.DetailType ?? ''),
        source: String(entry.Source ?? ''),
        account: '000000000000',
        time: (entry.Time ? new Date(entry.Time as string) : this.now()).toISOString(),
        region: 'us-east-1',
        resources: (entry.Resources as string[] | undefined) ?? [],
        detail: JSON.parse(String(entry.Detail ?? '{}')) as unknown,
      };
      const busName = String(entry.EventBusName ?? 'default')
        .split('/')
        .pop()!;
      for (const rule of this.rules) {
        if (rule.busName !== busName || !matchesEventPattern(event, rule.pattern)) continue;
        for (const target of rule.targets) {
          let group = matched.get(target);
          if (!group) matched.set(target, (group = { rule: rule.name, events: [] }));
          group.events.push(event);
        }
      }
      return event.id;
    });
    for (const [target, { rule, events }] of matched) {
      const deliveries = target.deliverAll ? [target.deliverAll(events)] : events.map((event) => target.deliver(event));
      for (const sent of deliveries) {
        const delivery = sent
          .then(() => void this.delivered.push({ rule, target: target.id }))
          .catch((error: unknown) => void this.delivered.push({ rule, target: target.id, error: String(error) }));
        this.pending.add(delivery);
        void delivery.finally(() => this.pending.delete(delivery));
      }
    }
    return ids;
  }
}

/** EventBridge pattern matching: value lists, prefix, anything-but, exists and numeric ranges. */
export function matchesEventPattern(value: unknown, pattern: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
    if (Array.isArray(expected)) return expected.some((candidate) => matchesOne(actual, candidate));
    if (expected && typeof expected === 'object') return matchesEventPattern(actual, expected as Record<string, unknown>);
    return false;
  });
}

function matchesOne(actual: unknown, candidate: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => matchesOne(item, candidate));
  if (candidate === null || typeof candidate !== 'object') return actual === candidate;
  const rule = candidate as Record<string, unknown>;
  if ('prefix' in rule) return typeof actual === 'string' && actual.startsWith(String(rule.prefix));
  if ('exists' in rule) return (actual !== undefined) === Boolean(rule.exists);
  if ('anything-but' in rule) {
    const excluded = rule['anything-but'];
    return actual !== undefined && !(Array.isArray(excluded) ? excluded : [excluded]).includes(actual);
  }
  if ('numeric' in rule && typeof actual === 'number') {
    const terms = rule.numeric as Array<string | number>;
    for (let i = 0; i + 1 < terms.length; i += 2) {
      const bound = Number(terms[i + 1]);
      const ok = { '<': actual < bound, '<=': actual <= bound, '>': actual > bound, '>=': actual >= bound, '=': actual === bound }[String(terms[i])];
      if (!ok) return false;
    }
    return true;
  }
  return false;
}
