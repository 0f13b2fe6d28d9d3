import { parseDuration } from './duration';
import type { SeedingProgress } from './background-seeding';
import type { ControlRoute } from './http-gateway';
import type { VirtualClock } from './virtual-clock';

/** What the `/local/...` routes control and report. */
export interface ControlledRuntime {
  readonly clock: VirtualClock;
  readonly tables: ReadonlyMap<string, string>;
  readonly streamFailures: unknown[];
  readonly seedingProgress: SeedingProgress | null;
  saveClock(): void;
  settle(): Promise<void>;
}

/**
 * The local system's own control routes (clock, settle, health, ready), served beside the template's
 * routes and, like the marketer routes, behind the marketer token.
 */
export function localControlRoutes(runtime: ControlledRuntime): ControlRoute[] {
  const { clock } = runtime;
  const clockState = () => ({ now: clock.now().toISOString(), offsetMs: clock.offset, waiting: clock.pending });
  return [
    { method: 'GET', path: '/local/clock', handle: async () => ({ status: 200, body: clockState() }) },
    {
      method: 'POST',
      path: '/local/clock/advance',
      handle: async (body) => {
        const by = (body as { by?: unknown } | undefined)?.by;
        const ms = typeof by === 'string' ? parseDuration(by) : null;
        if (ms === null) return { status: 400, body: { error: 'InvalidRequestError', message: 'by must be a duration such as 30m, 6h, 1d or 2w' } };
        clock.advance(ms);
        runtime.saveClock();
        await runtime.settle();
        return { status: 200, body: clockState() };
      },
    },
    {
      method: 'POST',
      path: '/local/settle',
      handle: async () => {
        await runtime.settle();
        return { status: 200, body: { settled: true, failures: runtime.streamFailures } };
      },
    },
    {
      method: 'GET',
      path: '/local/health',
      handle: async () => ({ status: 200, body: { ok: true, tables: Object.fromEntries(runtime.tables), ...clockState() } }),
    },
    {
      // The API answers before the demonstration population is in: ready once seeding is done.
      method: 'GET',
      path: '/local/ready',
      handle: async () => {
        const seeding = runtime.seedingProgress;
        return { status: 200, body: { ready: seeding === null || seeding.state === 'done', seeding } };
      },
    },
  ];
}
