import { httpHandler, json } from '../../../shared/adapters/http/http-api';
import { messagingStores } from '../../../shared/adapters/messaging/handler-wiring';

/** GET /v1/killswitch: whether non-core sends are stopped, since when, why and by whom. */
export const handler = httpHandler(async () => json(200, { killSwitch: await messagingStores().killSwitch.read() }));
