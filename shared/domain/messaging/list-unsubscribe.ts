import { UnsubscribeUrlError } from './errors';

/** A mail header as SES v2 `Headers` takes it. */
export interface MailHeader {
  name: string;
  value: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The one-click unsubscribe link for a token. RFC 8058 requires an https URI; plain http is
 * accepted only for loopback hosts, for the local runtime. Throws {@link UnsubscribeUrlError}.
 */
export function unsubscribeUrlFor(baseUrl: string, token: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UnsubscribeUrlError(baseUrl, 'not a URL');
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) throw new UnsubscribeUrlError(baseUrl, 'RFC 8058 needs an https URI (http only on localhost)');
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * `List-Unsubscribe` and `List-Unsubscribe-Post` for a marketing email (RFC 2369, RFC 8058).
 * The mailbox provider POSTs `List-Unsubscribe=One-Click` to the URL, so the endpoint must
 * unsubscribe on that POST without any further page. Both headers must be covered by the DKIM
 * signature, which SES Easy DKIM does for headers present at send time.
 */
export function listUnsubscribeHeaders(unsubscribeUrl: string): MailHeader[] {
  return [
    { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}
