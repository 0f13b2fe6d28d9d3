import { z } from 'zod';
import { assertNever } from '../common';

/**
 * Which balance an entry moves. `points` are spendable loyalty points; `growth` is the growth
 * value earned by spending money (it decides levels and is never redeemed). Both live in one
 * append-only ledger per user so they share the exactly-once machinery.
 */
export const LedgerAccount = z.enum(['points', 'growth']);
export type LedgerAccount = z.infer<typeof LedgerAccount>;

/** Why points or growth were granted. */
export const GrantReason = z.enum(['checkin', 'streak-bonus', 'program-completion', 'referral', 'incentive', 'purchase-growth']);
export type GrantReason = z.infer<typeof GrantReason>;

/** Why a balance was corrected by hand or by a reversal (a refund takes growth back). */
export const AdjustmentReason = z.enum(['refund', 'manual-correction']);
export type AdjustmentReason = z.infer<typeof AdjustmentReason>;

const entryBase = {
  /** Deterministic id (see `ledgerEntryIds`): the exactly-once key. */
  id: z.string().min(1),
  userId: z.string().min(1),
  account: LedgerAccount,
  occurredAt: z.iso.datetime(),
};

const positiveAmount = z.number().int().positive();

/** Adds points or growth. */
export const GrantEntry = z.object({
  ...entryBase,
  kind: z.literal('grant'),
  reason: GrantReason,
  amount: positiveAmount,
});
export type GrantEntry = z.infer<typeof GrantEntry>;

/** Spends points; refused when it would take the balance below zero. */
export const RedemptionEntry = z.object({
  ...entryBase,
  kind: z.literal('redemption'),
  amount: positiveAmount,
  /** What the points were spent on (catalogue item, order id). */
  reference: z.string().min(1),
});
export type RedemptionEntry = z.infer<typeof RedemptionEntry>;

/** Removes points that reached their expiry; built already clamped to what is left. */
export const ExpiryEntry = z.object({
  ...entryBase,
  kind: z.literal('expiry'),
  amount: positiveAmount,
  /** Points granted before this instant were expiring. */
  grantedBefore: z.iso.datetime(),
});
export type ExpiryEntry = z.infer<typeof ExpiryEntry>;

/**
 * A signed correction. Zero is allowed so that a refund arriving when nothing is left to take
 * back is still recorded, and a duplicate of it is still refused.
 */
export const AdjustmentEntry = z.object({
  ...entryBase,
  kind: z.literal('adjustment'),
  reason: AdjustmentReason,
  delta: z.number().int(),
  reference: z.string().min(1),
});
export type AdjustmentEntry = z.infer<typeof AdjustmentEntry>;

/** One line of a user's append-only ledger. */
export const LedgerEntry = z.discriminatedUnion('kind', [GrantEntry, RedemptionEntry, ExpiryEntry, AdjustmentEntry]);
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/**
 * A balance and its version. The version counts the entries applied to this account's balance,
 * so a writer that computed an entry from a balance it read can insist the balance is unchanged.
 */
export interface LedgerBalance {
  readonly amount: number;
  readonly version: number;
}

export const EMPTY_BALANCE: LedgerBalance = { amount: 0, version: 0 };

/** The signed change an entry makes to its account's balance. */
export function balanceDeltaOf(entry: LedgerEntry): number {
  switch (entry.kind) {
    case 'grant':
      return entry.amount;
    case 'redemption':
    case 'expiry':
      return -entry.amount;
    case 'adjustment':
      return entry.delta;
    default:
      return assertNever(entry);
  }
}

/** Result of applying one entry to a balance under the never-negative rule. */
export type BalanceRuleOutcome =
  | { readonly kind: 'applied'; readonly balance: LedgerBalance }
  | { readonly kind: 'insufficient-balance'; readonly balance: LedgerBalance; readonly requested: number };

/**
 * The never-negative rule: an entry that would take the balance below zero is refused, whole.
 * A redemption is never partially honoured.
 */
export function applyEntryToBalance(balance: LedgerBalance, entry: LedgerEntry): BalanceRuleOutcome {
  const delta = balanceDeltaOf(entry);
  if (balance.amount + delta < 0) return { kind: 'insufficient-balance', balance, requested: -delta };
  return { kind: 'applied', balance: { amount: balance.amount + delta, version: balance.version + 1 } };
}

/** What a ledger store answers to an append. */
export type AppendOutcome =
  | { readonly kind: 'appended'; readonly entryId: string; readonly balance: LedgerBalance }
  /** An entry with this id exists: the grant (or redemption…) already happened. Not an error. */
  | { readonly kind: 'already-granted'; readonly entryId: string }
  | {
      readonly kind: 'insufficient-balance';
      readonly entryId: string;
      readonly balance: LedgerBalance;
      readonly requested: number;
    }
  /** The caller computed the entry from a balance that has changed since: re-read and retry. */
  | {
      readonly kind: 'balance-version-mismatch';
      readonly entryId: string;
      readonly expectedVersion: number;
      readonly actualVersion: number;
    }
  /** The user already received `max` entries under the append's cap: refused, nothing written. */
  | { readonly kind: 'cap-reached'; readonly entryId: string; readonly capKey: string; readonly max: number };

/**
 * A limit on how many entries of one kind a user can ever receive (e.g. an incentive rule's cap
 * per user), enforced by the append itself. A check made on a read before the append lets two
 * concurrent appends both see room and both write; counted atomically with the entry, the cap
 * holds under any concurrency. A repeated entry id does not count again.
 */
export interface GrantCap {
  /** Names the counter (one per user and key), e.g. `grantCapKeys.incentive(ruleId)`. */
  readonly key: string;
  /** Most entries the user can receive under this key. */
  readonly max: number;
}

/** What an append insists on, beyond the entry's own rules. */
export interface AppendConditions {
  /** The balance version the caller computed the entry from (refused if it has moved). */
  readonly expectedBalanceVersion?: number | undefined;
  /** A cap the entry counts against (refused once reached). */
  readonly cap?: GrantCap | undefined;
}

/** What the store currently holds for an entry's id and account. */
export interface AppendContext {
  readonly entryExists: boolean;
  readonly balance: LedgerBalance;
  /** Entries already counted under the append's cap key (0 when none, or no cap). */
  readonly countedUnderCap: number;
}

/**
 * The append rule, exactly as a store must enforce it atomically. Checks in this order, so that
 * a duplicate is always reported as `already-granted` even if the balance moved or the cap was
 * reached meanwhile:
 * 1. an entry with the same id exists → `already-granted`;
 * 2. `expectedBalanceVersion` given and different from the stored version → `balance-version-mismatch`;
 * 3. the balance would go negative → `insufficient-balance`;
 * 4. a cap given and `max` entries already counted under it → `cap-reached`;
 * 5. otherwise → `appended` with the new balance (and one more entry counted under the cap).
 */
export function decideAppend(context: AppendContext, entry: LedgerEntry, conditions: AppendConditions = {}): AppendOutcome {
  if (context.entryExists) return { kind: 'already-granted', entryId: entry.id };
  const { expectedBalanceVersion, cap } = conditions;
  if (expectedBalanceVersion !== undefined && expectedBalanceVersion !== context.balance.version) {
    return {
      kind: 'balance-version-mismatch',
      entryId: entry.id,
      expectedVersion: expectedBalanceVersion,
      actualVersion: context.balance.version,
    };
  }
  const applied = applyEntryToBalance(context.balance, entry);
  switch (applied.kind) {
    case 'applied':
      if (cap !== undefined && context.countedUnderCap >= cap.max) return { kind: 'cap-reached', entryId: entry.id, capKey: cap.key, max: cap.max };
      return { kind: 'appended', entryId: entry.id, balance: applied.balance };
    case 'insufficient-balance':
      return { kind: 'insufficient-balance', entryId: entry.id, balance: applied.balance, requested: applied.requested };
    default:
      return assertNever(applied);
  }
}

/** Sum of the deltas of one account's entries: what its balance must equal. */
export function balanceFromHistory(entries: readonly LedgerEntry[], account: LedgerAccount): number {
  return entries.filter((entry) => entry.account === account).reduce((sum, entry) => sum + balanceDeltaOf(entry), 0);
}
