import { assertNever } from '../../domain/common';
import {
  LedgerContentionError,
  LedgerStoreContractError,
  buildExpiryEntry,
  buildRedemptionEntry,
  expiryCutoffAt,
  type LedgerBalance,
  type LedgerEntry,
  type LoyaltyPorts,
} from '../../domain/loyalty';

/** The ports redemption and expiry need. */
export type RedemptionPorts = Pick<LoyaltyPorts, 'ledger' | 'clock' | 'rules'>;

/** A redemption request's result. */
export type RedemptionOutcome =
  | { readonly kind: 'redeemed'; readonly redemptionId: string; readonly amount: number; readonly balance: number }
  /** This redemption id was redeemed before: nothing spent again. */
  | { readonly kind: 'already-redeemed'; readonly redemptionId: string; readonly balance: number }
  /** Refused whole: the balance (after expiry) is short of the amount. */
  | { readonly kind: 'insufficient-balance'; readonly redemptionId: string; readonly requested: number; readonly balance: number };

const MAX_EXPIRY_ATTEMPTS = 5;

/**
 * Expires the user's points granted more than `expireAfterDays` ago and not yet spent, oldest
 * first (FIFO), in one ledger entry conditional on the balance version it was computed from, so a
 * concurrent redemption forces a recomputation instead of expiring points just spent. Repeating
 * it the same day is refused as already granted. Answers how many points expired.
 * @throws LedgerContentionError when the balance kept moving for every attempt (retryable).
 */
export async function expireDuePoints(ports: RedemptionPorts, userId: string): Promise<number> {
  const now = ports.clock.now();
  for (let attempt = 1; attempt <= MAX_EXPIRY_ATTEMPTS; attempt += 1) {
    const [history, balance] = await Promise.all([ports.ledger.history(userId), ports.ledger.balance(userId, 'points')]);
    const entry = buildExpiryEntry({ userId, history, balance, grantedBefore: expiryCutoffAt(now, ports.rules.points), at: now });
    if (!entry) return 0;
    const appended = await ports.ledger.append(entry, { expectedBalanceVersion: balance.version });
    switch (appended.kind) {
      case 'appended':
        return entry.amount;
      case 'already-granted':
      case 'insufficient-balance':
      case 'cap-reached':
        return 0;
      case 'balance-version-mismatch':
        continue;
      default:
        return assertNever(appended);
    }
  }
  throw new LedgerContentionError(userId, MAX_EXPIRY_ATTEMPTS);
}

/**
 * Spends points, once per redemption id: expired points go first, then the redemption is one
 * conditional ledger append that the store refuses whole when the balance is short, so concurrent
 * redemptions never take the balance below zero.
 */
export async function redeemPoints(
  ports: RedemptionPorts,
  input: { readonly userId: string; readonly redemptionId: string; readonly amount: number; readonly reference: string },
): Promise<RedemptionOutcome> {
  await expireDuePoints(ports, input.userId);
  const entry = buildRedemptionEntry({ ...input, at: ports.clock.now() });
  const appended = await ports.ledger.append(entry);
  const { redemptionId } = input;
  switch (appended.kind) {
    case 'appended':
      return { kind: 'redeemed', redemptionId, amount: input.amount, balance: appended.balance.amount };
    case 'already-granted':
      return { kind: 'already-redeemed', redemptionId, balance: (await ports.ledger.balance(input.userId, 'points')).amount };
    case 'insufficient-balance':
      return { kind: 'insufficient-balance', redemptionId, requested: appended.requested, balance: appended.balance.amount };
    case 'balance-version-mismatch':
    case 'cap-reached':
      // Neither is asked for (no expected version, no cap): a store answering them is broken.
      throw new LedgerStoreContractError(entry.id, appended.kind);
    default:
      return assertNever(appended);
  }
}

/** A user's points history: every points entry, oldest first, and the balance. */
export async function pointsHistoryOf(
  ports: Pick<LoyaltyPorts, 'ledger'>,
  userId: string,
): Promise<{ readonly userId: string; readonly balance: LedgerBalance; readonly entries: readonly LedgerEntry[] }> {
  const [balance, history] = await Promise.all([ports.ledger.balance(userId, 'points'), ports.ledger.history(userId)]);
  return { userId, balance, entries: history.filter((entry) => entry.account === 'points') };
}
