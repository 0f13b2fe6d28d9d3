import { DEFAULT_PROGRAM_ID, type CheckinProgramSummary, type Coupon, type LoyaltyPorts, type ReminderOutcome } from '../../domain/loyalty';

/** The ports the loyalty messages need. */
export type MessagePorts = Pick<LoyaltyPorts, 'messages' | 'clock' | 'rules'>;

function summaryMessageId(userId: string, programId: string): string {
  return ['checkin-summary', encodeURIComponent(userId), encodeURIComponent(programId)].join('#');
}

/** Sends the end-of-program summary, once per user and program (keyed by both). */
export async function sendProgramSummary(ports: MessagePorts, summary: CheckinProgramSummary): Promise<ReminderOutcome> {
  return ports.messages.send(
    { kind: 'program-summary', messageId: summaryMessageId(summary.userId, summary.programId), userId: summary.userId, programId: summary.programId, summary },
    ports.clock.now(),
  );
}

/** What earned a coupon, as the message log's source names it. */
function programOfCoupon(coupon: Coupon): string {
  // Coupons stored before they named their program were the 21-day check-in's.
  return coupon.reason === 'checkin-completion' ? (coupon.programId ?? DEFAULT_PROGRAM_ID) : 'referral';
}

/**
 * Tells the user about a coupon in their account (core: they earned it). Keyed by the coupon's
 * deterministic id, so a replayed grant (`already-issued`) sends only if the first attempt did not.
 */
export async function sendCouponIssued(ports: MessagePorts, coupon: Coupon): Promise<ReminderOutcome> {
  return ports.messages.send(
    {
      kind: 'coupon-issued',
      messageId: ['coupon-issued', encodeURIComponent(coupon.id)].join('#'),
      userId: coupon.userId,
      programId: programOfCoupon(coupon),
      coupon,
    },
    ports.clock.now(),
  );
}
