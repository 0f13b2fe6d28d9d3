import { httpHandler } from '../../../shared/adapters/http/http-api';
import { refusedResponse, tokenOf, unsubscribedPage } from '../../../shared/adapters/messaging/unsubscribe-page';
import { logger } from '../../../shared/adapters/observability/logger';
import { unsubscribeWithToken } from '../../../shared/application/messaging/unsubscribe';
import { composeMessaging } from '../../../shared/composition/messaging';

/**
 * POST /v1/unsubscribe?token=…: the RFC 8058 one-click unsubscribe. The body
 * (`List-Unsubscribe=One-Click`) carries nothing the token does not, so it is not required: the
 * signed token alone decides, and a tampered or expired one changes nothing.
 */
export const handler = httpHandler(async (event) => {
  const messaging = composeMessaging();
  const { suppressions, rawEvents, outcomes } = messaging.feedback();
  const outcome = await unsubscribeWithToken(tokenOf(event), {
    keyring: await messaging.unsubscribeKeyring(),
    suppressions,
    rawEvents,
    outcomes,
    clock: messaging.clock,
  });
  if (outcome.kind === 'refused') {
    logger.info('unsubscribe refused', { reason: outcome.reason });
    return refusedResponse(event, outcome.reason);
  }
  logger.info('unsubscribed', { userId: outcome.userId, channel: outcome.channel, already: outcome.alreadyUnsubscribed });
  return unsubscribedPage(event, outcome.channel, outcome.alreadyUnsubscribed);
});
