import { assertNever } from '../../domain/common';
import {
  randomReferralCode,
  REFERRAL_SIGNED_UP,
  referralReportOf,
  ReferralCodeExhaustedError,
  signUpWithReferralCode,
  utcMonthOf,
  type LoyaltyPorts,
  type ReferralSignupOutcome,
} from '../../domain/loyalty';
import { grantRewards, type AppliedGrant, type GrantPorts } from './reward-grants';

const MAX_CODE_ATTEMPTS = 5;

/**
 * The user's referral code, created on first request. Codes are random (crypto) and stored both
 * ways, which needs no signing secret; a collision with another user's code just draws again.
 * @throws ReferralCodeExhaustedError when every draw collided (retryable).
 */
export async function referralCodeOf(
  ports: Pick<LoyaltyPorts, 'referrals' | 'randomBytes' | 'clock'>,
  userId: string,
): Promise<{ code: string; created: boolean }> {
  const existing = await ports.referrals.codeOf(userId);
  if (existing) return { code: existing.code, created: false };
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt += 1) {
    const code = randomReferralCode(ports.randomBytes);
    const assignment = await ports.referrals.assignCode(code, userId, ports.clock.now());
    switch (assignment) {
      case 'assigned':
        return { code, created: true };
      case 'user-has-code': {
        const winner = await ports.referrals.codeOf(userId);
        if (winner) return { code: winner.code, created: false };
        continue;
      }
      case 'code-taken':
        continue;
      default:
        return assertNever(assignment);
    }
  }
  throw new ReferralCodeExhaustedError(MAX_CODE_ATTEMPTS);
}

/**
 * A referee signs up with a code: the referral rules (self, loop, double count, newness) decide,
 * and an accepted referral's coupon and draw entries are granted through the budget. A refusal is
 * a value with its reason, and grants nothing. Join times come from profiles; a referrer without
 * a profile counts from their code's creation.
 */
export async function signUpWithCode(
  ports: GrantPorts & Pick<LoyaltyPorts, 'referrals' | 'profiles' | 'reportCounters'>,
  input: { readonly refereeId: string; readonly code: string },
): Promise<{ outcome: ReferralSignupOutcome; applied: AppliedGrant[] }> {
  const now = ports.clock.now();
  const refereeProfile = await ports.profiles.getProfile(input.refereeId);
  const outcome = await signUpWithReferralCode(
    ports.referrals,
    {
      typedCode: input.code,
      refereeId: input.refereeId,
      refereeJoinedAt: refereeProfile ? new Date(refereeProfile.createdAt) : now,
      referrerJoinedAt: async (referrerId) => {
        const profile = await ports.profiles.getProfile(referrerId);
        if (profile) return new Date(profile.createdAt);
        const code = await ports.referrals.codeOf(referrerId);
        return code ? new Date(code.createdAt) : now;
      },
      at: now,
    },
    ports.rules.referral,
  );
  if (outcome.kind === 'refused') return { outcome, applied: [] };
  const applied = await grantRewards(ports, outcome.grants);
  await ports.reportCounters.countOnce(input.refereeId, referralReportOf(utcMonthOf(now)), REFERRAL_SIGNED_UP, now);
  return { outcome, applied };
}
