import { z } from 'zod';

/** The system-wide kill switch, stored once and read by every send. */
export const KillSwitchState = z.discriminatedUnion('active', [
  z.object({ active: z.literal(false) }),
  z.object({ active: z.literal(true), reason: z.string().min(1), since: z.iso.datetime(), by: z.string().min(1) }),
]);
export type KillSwitchState = z.infer<typeof KillSwitchState>;
