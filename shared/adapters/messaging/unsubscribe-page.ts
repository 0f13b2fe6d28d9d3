import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { escapeHtml, type Channel } from '../../domain/messaging';
import { headerOf, json } from '../http/http-api';
import type { TokenRefusal } from '../../application/messaging/unsubscribe';

/** The token from the query string, or an empty string (which verifies as malformed). */
export function tokenOf(event: APIGatewayProxyEventV2): string {
  return event.queryStringParameters?.token ?? '';
}

const CHANNEL_NAMES: Record<Channel, string> = { email: 'email', sms: 'text message', push: 'push notification' };

/** Refusals answer 400, except an expired link, which is gone (410). Neither says whose link it was. */
const REFUSAL: Record<TokenRefusal, { status: number; text: string }> = {
  malformed: { status: 400, text: 'This unsubscribe link is not valid. Use the link from the latest message you received.' },
  'unknown-key': { status: 400, text: 'This unsubscribe link is not valid. Use the link from the latest message you received.' },
  'bad-signature': { status: 400, text: 'This unsubscribe link is not valid. Use the link from the latest message you received.' },
  expired: { status: 410, text: 'This unsubscribe link has expired. Use the link from the latest message you received.' },
};

function page(status: number, title: string, body: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`,
  };
}

const wantsJson = (event: APIGatewayProxyEventV2) => /application\/json/i.test(headerOf(event, 'accept') ?? '');

/** The answer to a refused token: a page for people, JSON for a client that asks for it. */
export function refusedResponse(event: APIGatewayProxyEventV2, reason: TokenRefusal): APIGatewayProxyStructuredResultV2 {
  const refusal = REFUSAL[reason];
  if (wantsJson(event)) return json(refusal.status, { error: 'UnsubscribeTokenRefused', reason, message: refusal.text });
  return page(refusal.status, 'Unsubscribe', `<h1>Unsubscribe</h1><p>${escapeHtml(refusal.text)}</p>`);
}

/** GET: a confirmation page whose button POSTs the one-click form, so link scanners unsubscribe nobody. */
export function confirmationPage(event: APIGatewayProxyEventV2, channel: Channel): APIGatewayProxyStructuredResultV2 {
  if (wantsJson(event)) return json(200, { channel, confirm: 'POST List-Unsubscribe=One-Click to this URL' });
  const action = `?token=${encodeURIComponent(tokenOf(event))}`;
  return page(
    200,
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Stop receiving marketing by ${CHANNEL_NAMES[channel]}?</p>` +
      `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

/** POST: done. Mailbox providers only look at the status; a person sees the page. */
export function unsubscribedPage(event: APIGatewayProxyEventV2, channel: Channel, alreadyUnsubscribed: boolean): APIGatewayProxyStructuredResultV2 {
  if (wantsJson(event)) return json(200, { unsubscribed: true, channel, alreadyUnsubscribed });
  return page(
    200,
    'Unsubscribed',
    `<h1>You are unsubscribed</h1><p>You will no longer receive marketing by ${CHANNEL_NAMES[channel]}. Messages about your account still reach you.</p>`,
  );
}
