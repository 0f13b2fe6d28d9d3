import { httpHandler, json } from '../../../shared/adapters/http/http-api';
import { readKillSwitch } from '../../../shared/application/messaging/kill-switch';
import { composeMessaging } from '../../../shared/composition/messaging';

/** GET /v1/killswitch: whether non-core sends are stopped, since when, why and by whom. */
export const handler = httpHandler(async () => json(200, { killSwitch: await readKillSwitch(composeMessaging().records()) }));
