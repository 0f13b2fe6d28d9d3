import { z } from 'zod';
import { Channel, Priority } from './channel';

/** One message that actually left for a user: the input of the disturbance index. */
export const ContactRecord = z.object({
  messageId: z.string().min(1),
  at: z.iso.datetime(),
  channel: Channel,
  priority: Priority,
  /** Contacts sharing a touch id are one touch for the user (one journey step on several channels). */
  touchId: z.string().min(1).max(512).optional(),
});
export type ContactRecord = z.infer<typeof ContactRecord>;
