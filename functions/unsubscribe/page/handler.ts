import { httpHandler } from '../../../shared/adapters/http/http-api';
import { confirmationPage, refusedResponse, tokenOf } from '../../../shared/adapters/messaging/unsubscribe-page';
import { previewUnsubscribe } from '../../../shared/application/messaging/unsubscribe';
import { composeMessaging } from '../../../shared/composition/messaging';

/** GET /v1/unsubscribe?token=…: no login, the signed token is the authority; shows a confirmation. */
export const handler = httpHandler(async (event) => {
  const messaging = composeMessaging();
  const preview = previewUnsubscribe(tokenOf(event), await messaging.unsubscribeKeyring(), messaging.clock);
  return preview.kind === 'valid' ? confirmationPage(event, preview.channel) : refusedResponse(event, preview.reason);
});
