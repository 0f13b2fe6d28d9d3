import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { MS_PER_DAY } from '../common';
import { rewardIds } from './ids';
import { utcMonthOf } from './local-day';
import type { ReferralStore } from './ports';
import type { RewardGrant } from './rewards';

/** Referral rules. Coupon amounts are in the program's currency units. */
export const ReferralConfig = z.object({
  signupCouponAmount: z.number().positive().default(20),
  firstPurchaseCouponAmount: z.number().positive().default(15),
  /** A referee can claim a code only within this many days of joining. */
  claimWindowDays: z.number().int().nonnegative().default(7),
  /** How far up the referrer's chain the loop check walks. */
  maxChainDepth: z.number().int().positive().default(100),
});
export type ReferralConfig = z.infer<typeof ReferralConfig>;

/** An accepted referral. One per referee, ever. */
export const Referral = z.object({
  referrerId: z.string().min(1),
  refereeId: z.string().min(1),
  code: z.string().min(1),
  signedUpAt: z.iso.datetime(),
});
export type Referral = z.infer<typeof Referral>;

// Crockford base32: no I, L, O, U, so a code read aloud or typed from a screenshot survives.
const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 10 symbols = 50 bits: collisions among 10M users are unlikely but possible, see `ReferralStore.assignCode`. */
export const REFERRAL_CODE_LENGTH = 10;

function encodeCrockford(bytes: Uint8Array, length: number): string {
  let code = '';
  let buffer = 0;
  let bitsInBuffer = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bitsInBuffer += 8;
    while (bitsInBuffer >= 5 && code.length < length) {
      bitsInBuffer -= 5;
      code += CROCKFORD_ALPHABET[(buffer >> bitsInBuffer) & 31];
    }
    if (code.length === length) return code;
  }
  throw new Error(`Need at least ${Math.ceil((length * 5) / 8)} bytes for a ${length}-symbol code`);
}

/**
 * The user's referral code, derived from the user id with HMAC-SHA-256 under a secret key:
 * stable across calls and deployments (nothing to store to re-derive it) and unguessable
 * without the key.
 */
export function deterministicReferralCode(userId: string, secretKey: string | Uint8Array): string {
  return encodeCrockford(createHmac('sha256', secretKey).update(userId, 'utf8').digest(), REFERRAL_CODE_LENGTH);
}

/** Source of random bytes (e.g. `crypto.randomBytes` in the adapter, a seeded stream in tests). */
export type RandomBytes = (length: number) => Uint8Array;

/** A random referral code; the fallback when a deterministic code collides with another user's. */
export function randomReferralCode(randomBytes: RandomBytes): string {
  return encodeCrockford(randomBytes(Math.ceil((REFERRAL_CODE_LENGTH * 5) / 8)), REFERRAL_CODE_LENGTH);
}

/**
 * A code as typed by a person, in canonical form: upper case, separators dropped, and the
 * letters Crockford reads as digits (I, L → 1; O → 0) mapped.
 */
export function normalizeReferralCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** Why a referral was refused. */
export type ReferralRefusal =
  | 'unknown-code'
  | 'self-referral'
  /** The referee already has a referrer: nobody is counted twice. */
  | 'already-referred'
  /** The referee is up the referrer's own chain (A→B, then B→A, or longer). */
  | 'referral-loop'
  /** The referee joined more than `claimWindowDays` before claiming: not a new user. */
  | 'referee-not-new'
  /** The referee joined no later than the referrer: referrals only point forward in time. */
  | 'referee-not-newer-than-referrer'
  /** The referrer's chain is longer than `maxChainDepth`: refuse rather than guess. */
  | 'referrer-chain-too-deep';

/** Result of a sign-up with a referral code. */
export type ReferralSignupOutcome =
  | {
      readonly kind: 'accepted';
      readonly referral: Referral;
      /** The referrer's sign-up coupon and both users' draw entries. */
      readonly grants: readonly RewardGrant[];
    }
  | { readonly kind: 'refused'; readonly reason: ReferralRefusal };

/** Everything the referral rules need to know about one sign-up. */
export interface ReferralSignupFacts {
  readonly code: string;
  readonly referrerId: string;
  readonly referrerJoinedAt: Date;
  readonly refereeId: string;
  /** When the referee was first seen; their sign-up instant if this is it. */
  readonly refereeJoinedAt: Date;
  readonly claimedAt: Date;
  /** The referee's current referrer, if any. */
  readonly refereeReferrerId: string | undefined;
  /** The referrer's referrer, theirs, and so on, nearest first. */
  readonly referrerChain: readonly string[];
  /** True when the chain walk stopped at `maxChainDepth` before reaching its top. */
  readonly referrerChainTruncated: boolean;
}

/**
 * The referral rules. Checked in this order: self-referral, already referred, loop, chain
 * depth, referee not new, referee not newer than referrer.
 *
 * The last rule is what makes loops impossible even under races: every accepted referral points
 * from an earlier-joined user to a strictly later-joined one, so a cycle would need a user to
 * have joined strictly before themselves. The explicit chain check stays as a second line and
 * names the refusal clearly.
 */
export function evaluateReferralSignup(facts: ReferralSignupFacts, config: ReferralConfig): ReferralSignupOutcome {
  const refuse = (reason: ReferralRefusal): ReferralSignupOutcome => ({ kind: 'refused', reason });
  if (facts.referrerId === facts.refereeId) return refuse('self-referral');
  if (facts.refereeReferrerId !== undefined) return refuse('already-referred');
  if (facts.referrerChain.includes(facts.refereeId)) return refuse('referral-loop');
  if (facts.referrerChainTruncated) return refuse('referrer-chain-too-deep');
  if (facts.claimedAt.getTime() - facts.refereeJoinedAt.getTime() > config.claimWindowDays * MS_PER_DAY) {
    return refuse('referee-not-new');
  }
  if (facts.refereeJoinedAt.getTime() <= facts.referrerJoinedAt.getTime()) return refuse('referee-not-newer-than-referrer');

  const signedUpAt = facts.claimedAt.toISOString();
  const month = utcMonthOf(facts.claimedAt);
  return {
    kind: 'accepted',
    referral: { referrerId: facts.referrerId, refereeId: facts.refereeId, code: facts.code, signedUpAt },
    grants: [
      {
        kind: 'coupon',
        coupon: {
          id: rewardIds.referralSignupCoupon(facts.referrerId, facts.refereeId),
          userId: facts.referrerId,
          reason: 'referral-signup',
          discount: { kind: 'amount-off', amount: config.signupCouponAmount },
          issuedAt: signedUpAt,
        },
      },
      ...[facts.referrerId, facts.refereeId].map((userId): RewardGrant => ({
        kind: 'draw-entry',
        entry: { id: rewardIds.drawEntry(month, userId), month, userId, enteredAt: signedUpAt },
      })),
    ],
  };
}

/**
 * The referrer's second reward when their referee purchases. Returned for every purchase of a
 * referred user: the coupon id is one per referee, so only the first purchase issues it.
 */
export function rewardForRefereePurchase(
  referral: Referral | undefined,
  purchase: { readonly userId: string; readonly occurredAt: string },
  config: ReferralConfig,
): { readonly kind: 'reward'; readonly grants: readonly RewardGrant[] } | { readonly kind: 'no-referral' } {
  if (!referral || referral.refereeId !== purchase.userId) return { kind: 'no-referral' };
  return {
    kind: 'reward',
    grants: [
      {
        kind: 'coupon',
        coupon: {
          id: rewardIds.referralFirstPurchaseCoupon(referral.referrerId, referral.refereeId),
          userId: referral.referrerId,
          reason: 'referral-first-purchase',
          discount: { kind: 'amount-off', amount: config.firstPurchaseCouponAmount },
          issuedAt: purchase.occurredAt,
        },
      },
    ],
  };
}

/**
 * Walks up from `userId` through referrers: `[referrer of userId, their referrer, …]`, at most
 * `maxDepth` long. Stops at a repeat, so corrupt cyclic data cannot hang it.
 */
export async function collectReferrerChain(
  referrerOf: (userId: string) => Promise<string | undefined>,
  userId: string,
  maxDepth: number,
): Promise<{ readonly chain: readonly string[]; readonly truncated: boolean }> {
  const chain: string[] = [];
  const seen = new Set([userId]);
  let current = userId;
  while (chain.length < maxDepth) {
    const referrer = await referrerOf(current);
    if (referrer === undefined || seen.has(referrer)) return { chain: referrer === undefined ? chain : [...chain, referrer], truncated: false };
    chain.push(referrer);
    seen.add(referrer);
    current = referrer;
  }
  return { chain, truncated: (await referrerOf(current)) !== undefined };
}

/**
 * Sign-up with a referral code: resolves the code, gathers the facts, applies the rules and
 * records the referral. The caller applies the returned grants (through the budget).
 */
export async function signUpWithReferralCode(
  referrals: ReferralStore,
  input: {
    readonly typedCode: string;
    readonly refereeId: string;
    readonly refereeJoinedAt: Date;
    readonly referrerJoinedAt: (referrerId: string) => Promise<Date>;
    readonly at: Date;
  },
  config: ReferralConfig,
): Promise<ReferralSignupOutcome> {
  const code = normalizeReferralCode(input.typedCode);
  const referrerId = await referrals.userForCode(code);
  if (referrerId === undefined) return { kind: 'refused', reason: 'unknown-code' };
  const referrerOf = async (userId: string) => (await referrals.referralOf(userId))?.referrerId;
  const { chain, truncated } = await collectReferrerChain(referrerOf, referrerId, config.maxChainDepth);
  const outcome = evaluateReferralSignup(
    {
      code,
      referrerId,
      referrerJoinedAt: await input.referrerJoinedAt(referrerId),
      refereeId: input.refereeId,
      refereeJoinedAt: input.refereeJoinedAt,
      claimedAt: input.at,
      refereeReferrerId: await referrerOf(input.refereeId),
      referrerChain: chain,
      referrerChainTruncated: truncated,
    },
    config,
  );
  if (outcome.kind === 'refused') return outcome;
  // The conditional write settles a race between two sign-ups of the same referee.
  const recorded = await referrals.record(outcome.referral);
  return recorded === 'recorded' ? outcome : { kind: 'refused', reason: 'already-referred' };
}
