import { z } from 'zod';
import type { GrantEntry } from './ledger';

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
  /** The program whose completion earned it (check-in completion coupons). */
  programId: z.string().min(1).optional(),
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
