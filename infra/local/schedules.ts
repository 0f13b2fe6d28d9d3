import { CronExpressionParser } from 'cron-parser';
import type { VirtualClock } from './virtual-clock';

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

/**
 * The next time an EventBridge Scheduler expression fires strictly after `after`:
 * `rate(5 minutes)`, `cron(0 2 * * ? *)` (AWS's six fields, in `timezone`), or `at(2026-01-01T00:00:00)`.
 */
export function nextFireTime(expression: string, timezone: string, after: Date, anchor: Date): Date | null {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unitMs = rate[2]!.startsWith('minute') ? 60_000 : rate[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
    const period = Number(rate[1]) * unitMs;
    const elapsed = Math.floor((after.getTime() - anchor.getTime()) / period) + 1;
    return new Date(anchor.getTime() + Math.max(1, elapsed) * period);
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6)
      throw new ScheduleExpressionError(`cron expressions take six fields (minutes hours day-of-month month day-of-week year): ${expression}`);
    const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
    // AWS numbers weekdays 1-7 from Sunday; standard cron 0-6. Names (MON-FRI) mean the same in both.
    const weekday = dayOfWeek.replace(/\d/g, (digit) => String((Number(digit) + 6) % 7));
    const standard = [minutes, hours, dayOfMonth, month, weekday].map((field) => (field === '?' ? '*' : field)).join(' ');
    const parsed = CronExpressionParser.parse(standard, { currentDate: after, tz: timezone });
    return parsed.next().toDate();
  }
  const at = /^at\((.+)\)$/.exec(expression);
  if (at) {
    const when = new Date(`${at[1]}Z`);
    return when > after ? when : null;
  }
  throw new ScheduleExpressionError(`unsupported schedule expression: ${expression}`);
}

export interface LocalSchedule {
  name: string;
  expression: string;
  timezone: string;
  /** Fires the schedule's target with the Input, `<aws.scheduler.scheduled-time>` filled in. */
  fire(scheduledTime: Date): Promise<void>;
}

/**
 * What a cron schedule does when the clock jumps past several of its occurrences: `each` fires
 * every missed occurrence in order (what `npm start` does, as EventBridge Scheduler would have),
 * `latest` fires once, at the latest one. A test that jumps the clock two months to reach a
 * budget month does not exercise the nightly run, and sixty of them behind its back would
 * saturate the machine; it asks for `latest`.
 */
export type MissedOccurrences = 'each' | 'latest';

/**
 * EventBridge Scheduler on the virtual clock: each schedule waits for its next fire time, fires,
 * and waits for the one after. Skipping three days fires a daily cron schedule three times, in
 * order (once, at the last of them, with `missed: 'latest'`); a rate schedule (a polling sweep)
 * fires once for a jump, at its latest missed tick.
 */
export class LocalScheduler {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  readonly fired: Array<{ name: string; scheduledTime: string; error?: string }> = [];
  /** How many schedules are waiting on the clock right now (the rest are firing). */
  waiting = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly missed: MissedOccurrences = 'each',
  ) {}

  start(schedules: LocalSchedule[]): void {
    const anchor = this.clock.now();
    for (const schedule of schedules) this.loops.push(this.run(schedule, anchor));
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('scheduler stopped'));
    await Promise.allSettled(this.loops);
  }

  private async run(schedule: LocalSchedule, anchor: Date): Promise<void> {
    let after = this.clock.now();
    for (;;) {
      let next = nextFireTime(schedule.expression, schedule.timezone, after, anchor);
      if (!next) return;
      this.waiting += 1;
      try {
        await this.clock.waitUntil(next, this.abort.signal);
      } catch {
        return; // stopped
      } finally {
        this.waiting -= 1;
      }
      if (schedule.expression.startsWith('rate(') || this.missed === 'latest') {
        // A rate schedule is a polling sweep: when the clock jumps a month, firing every missed
        // 15-minute tick would only repeat the same sweep. Fire once, at the latest missed tick.
        const now = this.clock.now();
        for (
          let later = nextFireTime(schedule.expression, schedule.timezone, next, anchor);
          later && later <= now;
          later = nextFireTime(schedule.expression, schedule.timezone, next, anchor)
        )
          next = later;
      }
      try {
        await schedule.fire(next);
        this.fired.push({ name: schedule.name, scheduledTime: next.toISOString() });
      } catch (error) {
        this.fired.push({ name: schedule.name, scheduledTime: next.toISOString(), error: error instanceof Error ? error.message : String(error) });
      }
      after = next;
    }
  }
}
