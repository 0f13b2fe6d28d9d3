import { z } from 'zod';
import { Channel } from './channel';

/**
 * One entry of the suppression list.
 * - `hard-bounce`: the address does not exist; nothing is sent to it again, core included.
 * - `complaint`: the user marked a message as spam; all marketing to the user stops, on every channel.
 * - `unsubscribe`: the user left marketing on one channel (one-click link, reply STOP).
 * - `sunset`: the last win-back (R5) went unanswered; marketing to the user stops.
 */
export const SuppressionEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('hard-bounce'),
    channel: Channel,
    contactPointFingerprint: z.string().min(1),
    at: z.iso.datetime(),
  }),
  z.object({ kind: z.literal('complaint'), userId: z.string().min(1), at: z.iso.datetime() }),
  z.object({ kind: z.literal('unsubscribe'), userId: z.string().min(1), channel: Channel, at: z.iso.datetime() }),
  z.object({ kind: z.literal('sunset'), userId: z.string().min(1), at: z.iso.datetime() }),
]);
export type SuppressionEntry = z.infer<typeof SuppressionEntry>;
