import { InvalidInputError } from '../../../shared/domain/common';
import { z } from 'zod';
import { problemsFromZod } from '../../../shared/domain/events/validate-batch';
import { httpHandler, json, jsonBody } from '../../../shared/adapters/http/http-api';
import { operatorOf } from '../../../shared/adapters/messaging/operator';
import { logger } from '../../../shared/adapters/observability/logger';
import { changeKillSwitch } from '../../../shared/application/messaging/kill-switch';
import { composeMessaging } from '../../../shared/composition/messaging';

/** The body of `PUT /v1/killswitch`: a reason is required either way, so the change is explained. */
export const KillSwitchChange = z.strictObject({
  active: z.boolean({ message: 'active must be true or false' }),
  reason: z.string({ message: 'reason is required' }).trim().min(3, 'reason must say why (at least 3 characters)').max(500),
});
export type KillSwitchChange = z.infer<typeof KillSwitchChange>;

/** PUT /v1/killswitch: turns the system-wide kill switch on or off. */
export const handler = httpHandler(async (event) => {
  const change = KillSwitchChange.safeParse(jsonBody(event));
  if (!change.success) throw new InvalidInputError('the kill switch change was rejected; nothing was written', problemsFromZod(change.error));
  const by = operatorOf(event);
  const messaging = composeMessaging();
  const state = await changeKillSwitch({ ...change.data, by }, { killSwitch: messaging.records().killSwitch, clock: messaging.clock });
  logger.warn('kill switch changed', { active: change.data.active, reason: change.data.reason, by });
  return json(200, { killSwitch: state });
});
