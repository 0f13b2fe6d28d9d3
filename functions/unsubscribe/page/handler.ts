import { runtimeClock } from '../../../shared/adapters/runtime-clock';
import { httpHandler } from '../../../shared/adapters/http/http-api';
import { unsubscribeKeyring } from '../../../shared/adapters/messaging/handler-wiring';
import { previewUnsubscribe } from '../../../shared/adapters/messaging/unsubscribe';
import { confirmationPage, refusedResponse, tokenOf } from '../../../shared/adapters/messaging/unsubscribe-page';

/** GET /v1/unsubscribe?token=…: no login, the signed token is the authority; shows a confirmation. */
export const handler = httpHandler(async (event) => {
  const preview = previewUnsubscribe(tokenOf(event), await unsubscribeKeyring()(), runtimeClock);
  return preview.kind === 'valid' ? confirmationPage(event, preview.channel) : refusedResponse(event, preview.reason);
});
