import { z } from 'zod';
import { assertNever } from '../common';
import type { AppendOutcome, GrantEntry, LedgerStore } from './ledger';

/** What a coupon takes off. */
export const CouponDiscount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent-off'), percent: z.number().int().min(1).max(100) }),
  /** In the program's currency units. */
  z.object({ kind: z.literal('amount-off'), amount: z.number().positive() }),
]);
export type CouponDiscount = z.infer<typeof CouponDiscount>;

export const CouponReason = z.enum(['checkin-completion', 'referral-signup', 'referral-first-purchase']);
export type CouponReason = z.infer<typeof CouponReason>;

/** A coupon issued to a user; its deterministic id makes issuing it exactly-once. */
export const Coupon = z.object({
  id: z.string().min(1),
  userId: z.string().min(1),
  reason: CouponReason,
  discount: CouponDiscount,
  issuedAt: z.iso.datetime(),
});
export type Coupon = z.infer<typeof Coupon>;

/** One user's entry into a month's draw (one per user per month, whatever earned it). */
export const DrawEntry = z.object({
  id: z.string().min(1),
  /** `YYYY-MM`, UTC. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  userId: z.string().min(1),
  enteredAt: z.iso.datetime(),
});
export type DrawEntry = z.infer<typeof DrawEntry>;

/** Anything a loyalty rule decides to give. Rules return these; a use case applies them. */
export type RewardGrant =
  | { readonly kind: 'points'; readonly entry: GrantEntry }
  | { readonly kind: 'coupon'; readonly coupon: Coupon }
  | { readonly kind: 'draw-entry'; readonly entry: DrawEntry };

/**
 * Issued coupons. DynamoDB adapter: `PutItem` keyed `pk = USER#<userId>`, `sk = COUPON#<id>`
 * with `attribute_not_exists(pk)`; `ConditionalCheckFailedException` → `already-issued`.
 */
export interface CouponStore {
  issue(coupon: Coupon): Promise<'issued' | 'already-issued'>;
  couponsOf(userId: string): Promise<readonly Coupon[]>;
}

/**
 * Draw entries. DynamoDB adapter: `PutItem` keyed `pk = DRAW#<month>#<shard>` (shard from a stable
 * hash of the user id, so a busy month is not one hot partition), `sk = ENTRY#<userId>`, with
 * `attribute_not_exists(pk)`; a failed condition → `already-entered`.
 */
export interface DrawEntryStore {
  enter(entry: DrawEntry): Promise<'entered' | 'already-entered'>;
  entriesOf(month: string): Promise<readonly DrawEntry[]>;
}

/** What happened to one grant when applied. */
export type RewardGrantOutcome =
  | { readonly kind: 'points'; readonly entryId: string; readonly outcome: AppendOutcome }
  | { readonly kind: 'coupon'; readonly couponId: string; readonly outcome: 'issued' | 'already-issued' }
  | { readonly kind: 'draw-entry'; readonly entryId: string; readonly outcome: 'entered' | 'already-entered' };

/** The stores rewards are written to. */
export interface RewardPorts {
  readonly ledger: LedgerStore;
  readonly coupons: CouponStore;
  readonly drawEntries: DrawEntryStore;
}

/**
 * Writes grants one by one, in order. Every grant is idempotent by id, so the whole list can be
 * replayed after a crash or a retry: what was written answers "already …", the rest is written.
 * Callers persist their own state (e.g. the check-in state) only after this returns, so a crash
 * in between replays the grants rather than losing them.
 */
export async function applyRewardGrants(
  grants: readonly RewardGrant[],
  ports: RewardPorts,
): Promise<readonly RewardGrantOutcome[]> {
  const outcomes: RewardGrantOutcome[] = [];
  for (const grant of grants) {
    switch (grant.kind) {
      case 'points':
        outcomes.push({ kind: 'points', entryId: grant.entry.id, outcome: await ports.ledger.append(grant.entry) });
        break;
      case 'coupon':
        outcomes.push({ kind: 'coupon', couponId: grant.coupon.id, outcome: await ports.coupons.issue(grant.coupon) });
        break;
      case 'draw-entry':
        outcomes.push({
          kind: 'draw-entry',
          entryId: grant.entry.id,
          outcome: await ports.drawEntries.enter(grant.entry),
        });
        break;
      default:
        assertNever(grant);
    }
  }
  return outcomes;
}

/** In-memory `CouponStore` for tests and the sandbox; check-and-write is one synchronous step. */
export class InMemoryCouponStore implements CouponStore {
  private readonly couponsById = new Map<string, Coupon>();

  async issue(coupon: Coupon): Promise<'issued' | 'already-issued'> {
    const valid = Coupon.parse(coupon);
    if (this.couponsById.has(valid.id)) return 'already-issued';
    this.couponsById.set(valid.id, valid);
    return 'issued';
  }

  async couponsOf(userId: string): Promise<readonly Coupon[]> {
    return [...this.couponsById.values()].filter((coupon) => coupon.userId === userId);
  }
}

/** In-memory `DrawEntryStore` for tests and the sandbox. */
export class InMemoryDrawEntryStore implements DrawEntryStore {
  private readonly entriesById = new Map<string, DrawEntry>();

  async enter(entry: DrawEntry): Promise<'entered' | 'already-entered'> {
    const valid = DrawEntry.parse(entry);
    if (this.entriesById.has(valid.id)) return 'already-entered';
    this.entriesById.set(valid.id, valid);
    return 'entered';
  }

  async entriesOf(month: string): Promise<readonly DrawEntry[]> {
    return [...this.entriesById.values()].filter((entry) => entry.month === month);
  }
}
