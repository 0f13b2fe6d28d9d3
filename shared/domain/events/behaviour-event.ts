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

export const SessionEvent = z.strictObject({ ...eventBase, type: z.literal('session') });
export const FeatureUseEvent = z.strictObject({
  ...eventBase,
  type: z.literal('feature_use'),
  feature: z.string().min(1, 'feature must not be empty').max(64).regex(/^[a-z0-9_-]+$/, 'feature must be lowercase letters, digits, _ or -'),
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
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'type must be one of session, feature_use, search, purchase, refund, checkin, referral_signup, message_open, message_click, unsubscribe'
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
