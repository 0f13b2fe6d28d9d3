import { assertNever } from '../../domain/common';
import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import {
  evaluateIncentiveRule,
  incentiveGrantCap,
  incentiveWindowKey,
  incentiveWindowsGranted,
  ledgerEntryIds,
  LedgerStoreContractError,
  type GrantCap,
  type GrantEntry,
  type IncentiveConversion,
  type IncentiveRules,
  type LoyaltyPorts,
} from '../../domain/loyalty';
import { PROFILE_DEFAULTS } from '../../domain/profiles/user-profile';

/**
 * What one incentive grant came to: `appended`, `already-granted` (this window's grant exists),
 * or `cap-reached` (other windows of the user used up the rule's cap first).
 */
export type IncentiveGrantOutcome = 'appended' | 'already-granted' | 'cap-reached';

/** What one raw event did to one incentive rule. */
export interface IncentiveEventResult {
  readonly ruleId: string;
  readonly windowKey: string;
  readonly exposed: boolean;
  /** Grant outcomes, empty while the window is not complete. */
  readonly grants: readonly IncentiveGrantOutcome[];
}

type IncentivePorts = Pick<LoyaltyPorts, 'ledger' | 'incentives' | 'profiles' | 'clock' | 'rules'>;

async function appendIncentiveGrant(ports: IncentivePorts, entry: GrantEntry, cap: GrantCap): Promise<IncentiveGrantOutcome> {
  const outcome = await ports.ledger.append(entry, { cap });
  switch (outcome.kind) {
    case 'appended':
    case 'already-granted':
    case 'cap-reached':
      return outcome.kind;
    case 'insufficient-balance':
    case 'balance-version-mismatch':
      // A grant neither debits nor carries an expected version: a store answering this is broken.
      throw new LedgerStoreContractError(entry.id, outcome.kind);
    default:
      return assertNever(outcome);
  }
}

/**
 * Counts a raw event towards every incentive rule on its type, in the rule's calendar window in
 * the user's profile time zone. The window's first event exposes the user; the event that fills
 * the window is evaluated by the domain (`evaluateIncentiveRule`), which grants once per window
 * under a deterministic ledger id. Every step is idempotent, so a redelivered stream batch
 * changes nothing.
 *
 * The cap per user holds under concurrency: windows of one user can complete at the same time
 * (a redelivered batch racing a new one, the user's events on different shards), and each
 * evaluation reads the ledger before the others have granted. So every grant is appended under
 * the rule's cap, counted in the grant's own transaction: only `capPerUser` grants ever succeed,
 * the rest answer `cap-reached`.
 */
export async function countIncentiveEvent(ports: IncentivePorts, event: BehaviourEvent): Promise<IncentiveEventResult[]> {
  const rules = ports.rules.incentives.filter((rule) => rule.eventType === event.type);
  if (rules.length === 0) return [];
  const timeZone = (await ports.profiles.getProfile(event.userId))?.timeZone ?? PROFILE_DEFAULTS.timeZone;
  const occurredAt = new Date(event.timestamp);
  const now = ports.clock.now();
  const results: IncentiveEventResult[] = [];
  for (const rule of rules) {
    const windowKey = incentiveWindowKey(occurredAt, rule.window, timeZone);
    const progress = await ports.incentives.countInWindow({
      userId: event.userId,
      ruleId: rule.ruleId,
      windowKey,
      event: { eventId: event.eventId, type: event.type, occurredAt: occurredAt.toISOString() },
      count: rule.count,
    });
    if (progress.firstInWindow) await ports.incentives.recordExposure(event.userId, rule.ruleId, now);
    const grants: IncentiveGrantOutcome[] = [];
    if (progress.distinctEvents >= rule.count && !progress.settled) {
      const granted = incentiveWindowsGranted(
        await ports.ledger.entriesWithIdPrefix(event.userId, ledgerEntryIds.incentive(event.userId, rule.ruleId, '')),
        event.userId,
        rule.ruleId,
      );
      const entries = evaluateIncentiveRule({ rule, userId: event.userId, timeZone, events: progress.events, alreadyGrantedWindows: granted });
      for (const entry of entries) grants.push(await appendIncentiveGrant(ports, entry, incentiveGrantCap(rule)));
      if (entries.length > 0 || granted.has(windowKey)) await ports.incentives.recordCompletion(event.userId, rule.ruleId, now);
      await ports.incentives.settleWindow(event.userId, rule.ruleId, windowKey);
    }
    results.push({ ruleId: rule.ruleId, windowKey, exposed: progress.firstInWindow, grants });
  }
  return results;
}

/** Each configured rule's conversion: distinct users who completed it / distinct users exposed. */
export async function incentiveReport(
  ports: Pick<LoyaltyPorts, 'incentives' | 'rules'>,
): Promise<{ rules: Array<IncentiveConversion & { rule: IncentiveRules[number] }> }> {
  const conversions = await ports.incentives.conversions(ports.rules.incentives.map((rule) => rule.ruleId));
  return {
    rules: ports.rules.incentives.map((rule, index) => ({ ...(conversions[index] ?? { ruleId: rule.ruleId, exposed: 0, completed: 0, rate: null }), rule })),
  };
}
