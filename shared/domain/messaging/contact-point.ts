import { createHash } from 'node:crypto';
import type { Channel } from './channel';
import { assertNever } from '../common';

/**
 * Canonical form of a contact point, so `Alice@Example.com ` and `alice@example.com` are one
 * address for suppression. Email domains are case-insensitive and in practice so are local parts;
 * phone numbers lose the separators people type.
 */
export function normalizeContactPoint(channel: Channel, value: string): string {
  switch (channel) {
    case 'email':
      return value.trim().toLowerCase();
    case 'sms':
      return value.replace(/[\s\-().]/g, '');
    case 'push':
      return value.trim();
    default:
      return assertNever(channel);
  }
}

/**
 * A stable, non-reversible key for a contact point. Suppression entries store this instead of the
 * address, so the suppression table never holds an email or phone number in clear.
 */
export function contactPointFingerprint(channel: Channel, value: string): string {
  return createHash('sha256')
    .update(`${channel}:${normalizeContactPoint(channel, value)}`)
    .digest('hex');
}
