import { runtimeClock } from '../../../shared/adapters/runtime-clock';
import { httpHandler } from '../../../shared/adapters/http/http-api';
import { feedbackStores, unsubscribeKeyring } from '../../../shared/adapters/messaging/handler-wiring';
import { unsubscribeWithToken } from '../../../shared/adapters/messaging/unsubscribe';
import { refusedResponse, tokenOf, unsubscribedPage } from '../../../shared/adapters/messaging/unsubscribe-page';
import { logger } from '../../../shared/adapters/observability/logger';

/**
 * POST /v1/unsubscribe?token=…: the RFC 8058 one-click unsubscribe. The body
 * (`List-Unsubscribe=One-Click`) carries nothing the token does not, so it is not required: the
 * signed token alone decides, and a tampered or expired one changes nothing.
 */
export const handler = httpHandler(async (event) => {
  const { suppressions, rawEvents } = feedbackStores();
  const outcome = await unsubscribeWithToken(tokenOf(event), { keyring: await unsubscribeKeyring()(), suppressions, rawEvents, clock: runtimeClock });
  if (outcome.kind === 'refused') {
    logger.info('unsubscribe refused', { reason: outcome.reason });
    return refusedResponse(event, outcome.reason);
  }
  logger.info('unsubscribed', { userId: outcome.userId, channel: outcome.channel, already: outcome.alreadyUnsubscribed });
  return unsubscribedPage(event, outcome.channel, outcome.alreadyUnsubscribed);
});
