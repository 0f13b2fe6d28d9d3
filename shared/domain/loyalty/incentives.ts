import { z } from 'zod';
import { assertNever } from '../common';
import { grantCapKeys, ledgerEntryIds } from './ids';
import type { GrantCap, GrantEntry, LedgerEntry } from './ledger';
import { isoWeekOf, localDayOf } from './local-day';

/** Calendar windows, in the user's own time zone. Weeks are ISO weeks (Monday to Sunday). */
export const IncentiveWindow = z.enum(['calendar-day', 'calendar-week', 'calendar-month']);
export type IncentiveWindow = z.infer<typeof IncentiveWindow>;

/**
 * A key-behaviour incentive as data, e.g. "3 searches in a calendar week earn 20 points, at most
 * 4 times per user": `{ eventType: 'search', count: 3, window: 'calendar-week', rewardPoints: 20, capPerUser: 4 }`.
 */
export const IncentiveRule = z.object({
  ruleId: z.string().min(1),
  eventType: z.string().min(1),
  count: z.number().int().positive(),
  window: IncentiveWindow,
  rewardPoints: z.number().int().positive(),
  /** Most grants one user can receive from this rule, over its whole life. */
  capPerUser: z.number().int().positive(),
});
export type IncentiveRule = z.infer<typeof IncentiveRule>;

/** A set of rules; rule ids are unique because they are part of every grant id. */
export const IncentiveRules = z.array(IncentiveRule).refine((rules) => new Set(rules.map((rule) => rule.ruleId)).size === rules.length, {
  message: 'rule ids must be unique',
});
export type IncentiveRules = z.infer<typeof IncentiveRules>;

/**
 * The rules the product ships with: three searches in a calendar week earn 20 points, once a
 * week, at most 52 times per user.
 */
export const DEFAULT_INCENTIVE_RULES: IncentiveRules = [
  { ruleId: 'weekly-searches', eventType: 'search', count: 3, window: 'calendar-week', rewardPoints: 20, capPerUser: 52 },
];

/** A behaviour event as incentives need it. */
export interface BehaviourEvent {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
}

/** The key of the calendar window an instant falls in: `2025-05-14`, `2025-W20` or `2025-05`. */
export function incentiveWindowKey(instant: Date, window: IncentiveWindow, timeZone: string): string {
  const day = localDayOf(instant, timeZone);
  switch (window) {
    case 'calendar-day':
      return day;
    case 'calendar-week':
      return isoWeekOf(day);
    case 'calendar-month':
      return day.slice(0, 7);
    default:
      return assertNever(window);
  }
}

/**
 * Window keys this rule already granted to the user, read back from the ledger's entry ids
 * (the id is the record of the grant; nothing else needs storing).
 */
export function incentiveWindowsGranted(history: readonly LedgerEntry[], userId: string, ruleId: string): ReadonlySet<string> {
  const prefix = ledgerEntryIds.incentive(userId, ruleId, '');
  return new Set(
    history
      .filter((entry) => entry.kind === 'grant' && entry.reason === 'incentive' && entry.id.startsWith(prefix))
      .map((entry) => decodeURIComponent(entry.id.slice(prefix.length))),
  );
}

/**
 * The cap a rule's grants are appended under. The ledger counts each grant against it in the
 * grant's own transaction, so evaluations running at the same time (each seeing room in the
 * ledger it read) cannot exceed it together.
 */
export function incentiveGrantCap(rule: IncentiveRule): GrantCap {
  return { key: grantCapKeys.incentive(rule.ruleId), max: rule.capPerUser };
}

/**
 * Grants a rule earns a user from their events: one per calendar window in which the user did
 * `count` events of the type, dated at the event that completed the window, oldest first, until
 * the cap (counting windows already granted) is reached. Duplicate event ids count once.
 *
 * Deterministic: the same events give the same grant ids, so re-evaluating after every new event
 * is safe; the ledger keeps each window's grant once. The cap here only saves appends that
 * cannot succeed: `alreadyGrantedWindows` is a read, and a concurrent evaluation can grant after
 * it. Append the grants under `incentiveGrantCap(rule)`, which holds the cap atomically.
 */
export function evaluateIncentiveRule(input: {
  readonly rule: IncentiveRule;
  readonly userId: string;
  readonly timeZone: string;
  readonly events: readonly BehaviourEvent[];
  readonly alreadyGrantedWindows: ReadonlySet<string>;
}): readonly GrantEntry[] {
  const { rule } = input;
  const distinctById = new Map<string, BehaviourEvent>();
  for (const event of input.events) {
    if (event.type === rule.eventType && !distinctById.has(event.eventId)) distinctById.set(event.eventId, event);
  }
  const matching = [...distinctById.values()]
    .map((event) => ({ event, at: Date.parse(event.occurredAt) }))
    .sort((left, right) => left.at - right.at || (left.event.eventId < right.event.eventId ? -1 : 1));

  const countsByWindow = new Map<string, number>();
  const completions: { windowKey: string; at: number }[] = [];
  for (const { at } of matching) {
    const windowKey = incentiveWindowKey(new Date(at), rule.window, input.timeZone);
    const count = (countsByWindow.get(windowKey) ?? 0) + 1;
    countsByWindow.set(windowKey, count);
    if (count === rule.count) completions.push({ windowKey, at });
  }

  const room = Math.max(0, rule.capPerUser - input.alreadyGrantedWindows.size);
  return completions
    .filter((completion) => !input.alreadyGrantedWindows.has(completion.windowKey))
    .slice(0, room)
    .map((completion): GrantEntry => ({
      kind: 'grant',
      id: ledgerEntryIds.incentive(input.userId, rule.ruleId, completion.windowKey),
      userId: input.userId,
      account: 'points',
      reason: 'incentive',
      amount: rule.rewardPoints,
      occurredAt: new Date(completion.at).toISOString(),
    }));
}

/** A rule's conversion: of the users exposed to it, how many completed it at least once. */
export interface IncentiveConversion {
  readonly ruleId: string;
  readonly exposed: number;
  readonly completed: number;
  /** completed / exposed; `null` when nobody was exposed (no rate, rather than a fake 0). */
  readonly rate: number | null;
}

/**
 * Conversion rate = users who completed / users exposed. Completers who were never exposed
 * (e.g. exposure logging missed them) are left out, so the rate never exceeds 1.
 */
export function incentiveConversion(ruleId: string, exposedUserIds: Iterable<string>, completedUserIds: Iterable<string>): IncentiveConversion {
  const exposed = new Set(exposedUserIds);
  const completed = [...new Set(completedUserIds)].filter((userId) => exposed.has(userId)).length;
  return { ruleId, exposed: exposed.size, completed, rate: exposed.size === 0 ? null : completed / exposed.size };
}

/** A rule's conversion from counts of distinct users (the adapter keeps counters, not id lists). */
export function incentiveConversionFromCounts(ruleId: string, exposed: number, completed: number): IncentiveConversion {
  const kept = Math.min(completed, exposed);
  return { ruleId, exposed, completed: kept, rate: exposed === 0 ? null : kept / exposed };
}
