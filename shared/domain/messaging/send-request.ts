import { z } from 'zod';
import { Channel, Priority } from './channel';

/**
 * Which feature asked for the message, kept in the message log so a marketer can see why a user
 * was contacted. Journeys name their execution and step because that pair is what makes a send
 * idempotent across Step Functions retries.
 */
export const SendSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('journey'), journeyId: z.string().min(1), executionName: z.string().min(1), step: z.string().min(1) }),
  z.object({ kind: z.literal('loyalty'), programId: z.string().min(1) }),
  z.object({ kind: z.literal('health'), alertId: z.string().min(1) }),
  z.object({ kind: z.literal('console'), operator: z.string().min(1) }),
]);
export type SendSource = z.infer<typeof SendSource>;

/** Values a template can interpolate. Numbers are rendered as given; format them first if needed. */
export const TemplateData = z.record(z.string(), z.union([z.string(), z.number()]));
export type TemplateData = z.infer<typeof TemplateData>;

/** What to do with a non-core message that falls in the user's quiet hours. */
export const QuietHoursChoice = z.enum(['defer', 'drop']);
export type QuietHoursChoice = z.infer<typeof QuietHoursChoice>;

/**
 * The one request every feature sends through the one send path. `idempotencyKey` makes the send
 * happen at most once however often it is retried: journeys use `${executionName}:${step}:${channel}`.
 * `touchId` groups the messages of one touch: a step sent on several channels at once is one
 * contact for the user, so the contact budget counts it once (journeys use `${executionName}:${step}`).
 */
export const SendRequest = z.object({
  userId: z.string().min(1),
  channel: Channel,
  templateId: z.string().min(1),
  data: TemplateData,
  priority: Priority,
  idempotencyKey: z.string().min(1).max(512),
  touchId: z.string().min(1).max(512).optional(),
  onQuietHours: QuietHoursChoice,
  source: SendSource,
});
export type SendRequest = z.infer<typeof SendRequest>;
