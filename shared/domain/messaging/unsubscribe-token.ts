import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Channel } from './channel';
import { UnsubscribeKeyringError } from './errors';

/** A signing key; `secret` comes from Secrets Manager / SSM in AWS, a generated file locally. */
export interface UnsubscribeKey {
  id: string;
  secret: Uint8Array;
}

/**
 * Keys for unsubscribe tokens. New tokens are signed with `current`; tokens signed with a
 * `previous` key still verify, so a key can be rotated without breaking links already in inboxes.
 */
export interface UnsubscribeKeyring {
  current: UnsubscribeKey;
  previous: readonly UnsubscribeKey[];
}

const MIN_SECRET_BYTES = 32;

/** Checks a keyring once at start-up; throws {@link UnsubscribeKeyringError}. */
export function createUnsubscribeKeyring(current: UnsubscribeKey, previous: readonly UnsubscribeKey[] = []): UnsubscribeKeyring {
  const ids = new Set<string>();
  for (const key of [current, ...previous]) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(key.id)) throw new UnsubscribeKeyringError(`key id "${key.id}" must be 1-32 of [A-Za-z0-9_-]`);
    if (key.secret.byteLength < MIN_SECRET_BYTES) {
      throw new UnsubscribeKeyringError(`key ${key.id} has ${key.secret.byteLength} bytes; HMAC-SHA256 needs at least ${MIN_SECRET_BYTES}`);
    }
    if (ids.has(key.id)) throw new UnsubscribeKeyringError(`key id ${key.id} appears twice`);
    ids.add(key.id);
  }
  return { current, previous };
}

const TokenPayload = z.object({
  v: z.literal(1),
  /** Key id. */
  k: z.string(),
  /** User id. */
  u: z.string().min(1),
  /** Channel to unsubscribe from. */
  c: Channel,
  /** Expiry, whole seconds since the epoch. */
  e: z.number().int().positive(),
});
type TokenPayload = z.infer<typeof TokenPayload>;

// Binds the signature to this use, so a MAC from another feature sharing the key cannot pass here.
const SIGNING_CONTEXT = 'rekindle/unsubscribe/v1.';

function sign(secret: Uint8Array, encodedPayload: string): Buffer {
  return createHmac('sha256', secret)
    .update(SIGNING_CONTEXT + encodedPayload)
    .digest();
}

/**
 * A token `base64url(payload).base64url(HMAC-SHA256)` carrying user, channel and expiry. Only
 * the holder of the key can make one, so the unsubscribe endpoint needs no login.
 */
export function signUnsubscribeToken(claim: { userId: string; channel: Channel; expiresAt: Date }, keyring: UnsubscribeKeyring): string {
  const payload: TokenPayload = {
    v: 1,
    k: keyring.current.id,
    u: claim.userId,
    c: claim.channel,
    e: Math.floor(claim.expiresAt.getTime() / 1000),
  };
  const encodedPayload = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encodedPayload}.${sign(keyring.current.secret, encodedPayload).toString('base64url')}`;
}

/** What a presented token turned out to be. Only `valid` may unsubscribe anyone. */
export type UnsubscribeTokenVerification =
  | { kind: 'valid'; userId: string; channel: Channel; expiresAt: Date }
  | { kind: 'malformed' }
  | { kind: 'unknown-key' }
  | { kind: 'bad-signature' }
  | { kind: 'expired'; expiredAt: Date };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Verifies a token: shape, key, signature (constant-time), then expiry, in that order, so an
 * expired token that was also tampered with reports `bad-signature`, never reveals its claims.
 */
export function verifyUnsubscribeToken(token: string, keyring: UnsubscribeKeyring, now: Date): UnsubscribeTokenVerification {
  const parts = token.split('.');
  const [encodedPayload, encodedSignature] = parts;
  if (parts.length !== 2 || encodedPayload === undefined || encodedSignature === undefined) return { kind: 'malformed' };
  if (!BASE64URL.test(encodedPayload) || !BASE64URL.test(encodedSignature)) return { kind: 'malformed' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    return { kind: 'malformed' };
  }
  const payload = TokenPayload.safeParse(decoded);
  if (!payload.success) return { kind: 'malformed' };
  const key = [keyring.current, ...keyring.previous].find((candidate) => candidate.id === payload.data.k);
  if (key === undefined) return { kind: 'unknown-key' };
  const expected = sign(key.secret, encodedPayload);
  const presented = Buffer.from(encodedSignature, 'base64url');
  // Re-encoding catches non-canonical base64url (extra bits) that would decode to the same bytes.
  if (presented.toString('base64url') !== encodedSignature) return { kind: 'bad-signature' };
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { kind: 'bad-signature' };
  const expiresAt = new Date(payload.data.e * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { kind: 'expired', expiredAt: expiresAt };
  return { kind: 'valid', userId: payload.data.u, channel: payload.data.c, expiresAt };
}
