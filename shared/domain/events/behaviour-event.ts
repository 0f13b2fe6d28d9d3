import { z } from 'zod';
import { Channel, identifier } from '../common';

/**
 * Behaviour events, the raw material of every score, journey and program. One zod schema per
 * event type; a batch is validated whole at the edge and nothing is written if any event fails.
 */

const isoTimestampWithOffset = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with an offset, e.g. 2026-11-24T08:30:00Z' });

const money = z.number({ message: 'must be a number' }).finite().positive('must be greater than 0').max(1e9, 'is implausibly large');

const eventBase = {
  eventId: identifier('eventId'),
  userId: identifier('userId'),
  timestamp: isoTimestampWithOffset,
};

const featureName = z
  .string()
  .min(1, 'feature must not be empty')
  .max(64)
  .regex(/^[a-z0-9_-]+$/, 'feature must be lowercase letters, digits, _ or -');

export const SessionEvent = z.strictObject({ ...eventBase, type: z.literal('session') });
export const FeatureUseEvent = z.strictObject({
  ...eventBase,
  type: z.literal('feature_use'),
  feature: featureName,
});
export const SearchEvent = z.strictObject({ ...eventBase, type: z.literal('search'), query: z.string().max(512) });
export const PurchaseEvent = z.strictObject({
  ...eventBase,
  type: z.literal('purchase'),
  orderId: identifier('orderId'),
  amount: money,
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as CNY or USD'),
});
export const RefundEvent = z.strictObject({ ...eventBase, type: z.literal('refund'), orderId: identifier('orderId'), amount: money });
export const CheckinEvent = z.strictObject({ ...eventBase, type: z.literal('checkin') });
export const ReferralSignupEvent = z.strictObject({ ...eventBase, type: z.literal('referral_signup'), referrerId: identifier('referrerId') });
export const MessageOpenEvent = z.strictObject({ ...eventBase, type: z.literal('message_open'), messageId: identifier('messageId') });
export const MessageClickEvent = z.strictObject({ ...eventBase, type: z.literal('message_click'), messageId: identifier('messageId') });
export const UnsubscribeEvent = z.strictObject({ ...eventBase, type: z.literal('unsubscribe'), channel: Channel });
/** Experience feedback (15秒体验反馈): a rating of a feature, 1 (worst) to 5, and an optional short comment. */
export const FeedbackEvent = z.strictObject({
  ...eventBase,
  type: z.literal('feedback'),
  feature: featureName,
  rating: z
    .number({ message: 'rating must be a whole number from 1 to 5' })
    .int('rating must be a whole number from 1 to 5')
    .min(1, 'rating must be from 1 to 5')
    .max(5, 'rating must be from 1 to 5'),
  comment: z.string().max(500, 'comment must be at most 500 characters').optional(),
});

export const BehaviourEvent = z.discriminatedUnion(
  'type',
  [
    SessionEvent,
    FeatureUseEvent,
    SearchEvent,
    PurchaseEvent,
    RefundEvent,
    CheckinEvent,
    ReferralSignupEvent,
    MessageOpenEvent,
    MessageClickEvent,
    UnsubscribeEvent,
    FeedbackEvent,
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'type must be one of session, feature_use, search, purchase, refund, checkin, referral_signup, message_open, message_click, unsubscribe, feedback'
        : undefined,
  },
);
export type BehaviourEvent = z.infer<typeof BehaviourEvent>;
export type BehaviourEventType = BehaviourEvent['type'];

export const MAX_EVENTS_PER_BATCH = 500;

export const EventBatch = z.strictObject({
  events: z
    .array(z.unknown(), { message: 'events must be an array' })
    .min(1, 'events must hold at least 1 event')
    .max(MAX_EVENTS_PER_BATCH, `events must hold at most ${MAX_EVENTS_PER_BATCH} events`),
});
export type EventBatch = z.infer<typeof EventBatch>;
