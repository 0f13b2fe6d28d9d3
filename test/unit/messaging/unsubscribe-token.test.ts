import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createUnsubscribeKeyring,
  listUnsubscribeHeaders,
  signUnsubscribeToken,
  unsubscribeUrlFor,
  UnsubscribeKeyringError,
  UnsubscribeUrlError,
  verifyUnsubscribeToken,
} from '../../../shared/domain/messaging';

const keyOne = { id: 'k1', secret: new Uint8Array(32).fill(1) };
const keyTwo = { id: 'k2', secret: new Uint8Array(32).fill(2) };
const keyring = createUnsubscribeKeyring(keyOne);
const now = new Date('2025-06-01T00:00:00.000Z');
const inAMonth = new Date('2025-07-01T00:00:00.000Z');

describe('unsubscribe tokens', () => {
  it('property: a signed token verifies to the same user and channel before it expires', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.constantFrom('email' as const, 'sms' as const, 'push' as const), (userId, channel) => {
        const token = signUnsubscribeToken({ userId, channel, expiresAt: inAMonth }, keyring);
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(verifyUnsubscribeToken(token, keyring, now)).toEqual({ kind: 'valid', userId, channel, expiresAt: inAMonth });
      }),
    );
  });

  it('property: changing any character of a token makes it invalid', () => {
    const token = signUnsubscribeToken({ userId: 'user-1', channel: 'email', expiresAt: inAMonth }, keyring);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (position, replacement) => {
        fc.pre(token[position] !== replacement);
        const tampered = token.slice(0, position) + replacement + token.slice(position + 1);
        expect(verifyUnsubscribeToken(tampered, keyring, now).kind).not.toBe('valid');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a payload re-signed for another user without the key', () => {
    // Prepare: swap in a forged payload, keep the genuine signature.
    const token = signUnsubscribeToken({ userId: 'user-1', channel: 'email', expiresAt: inAMonth }, keyring);
    const signature = token.split('.')[1];
    const forged = Buffer.from(JSON.stringify({ v: 1, k: 'k1', u: 'user-2', c: 'email', e: 1_800_000_000 })).toString('base64url');
    // Act / Assess
    expect(verifyUnsubscribeToken(`${forged}.${signature}`, keyring, now)).toEqual({ kind: 'bad-signature' });
  });

  it('refuses an expired token, from the expiry instant on', () => {
    const token = signUnsubscribeToken({ userId: 'user-1', channel: 'sms', expiresAt: inAMonth }, keyring);
    expect(verifyUnsubscribeToken(token, keyring, new Date(inAMonth.getTime() - 1000)).kind).toBe('valid');
    expect(verifyUnsubscribeToken(token, keyring, inAMonth)).toEqual({ kind: 'expired', expiredAt: inAMonth });
  });

  it('refuses garbage as malformed and a token from a key it does not hold as unknown-key', () => {
    expect(verifyUnsubscribeToken('', keyring, now)).toEqual({ kind: 'malformed' });
    expect(verifyUnsubscribeToken('abc', keyring, now)).toEqual({ kind: 'malformed' });
    expect(verifyUnsubscribeToken('a.b.c', keyring, now)).toEqual({ kind: 'malformed' });
    expect(verifyUnsubscribeToken('bm90IGpzb24.c2ln', keyring, now)).toEqual({ kind: 'malformed' });
    const foreign = signUnsubscribeToken({ userId: 'u', channel: 'email', expiresAt: inAMonth }, createUnsubscribeKeyring(keyTwo));
    expect(verifyUnsubscribeToken(foreign, keyring, now)).toEqual({ kind: 'unknown-key' });
  });

  it('tokens signed before a key rotation still verify', () => {
    const oldToken = signUnsubscribeToken({ userId: 'user-1', channel: 'email', expiresAt: inAMonth }, keyring);
    const rotated = createUnsubscribeKeyring(keyTwo, [keyOne]);
    expect(verifyUnsubscribeToken(oldToken, rotated, now).kind).toBe('valid');
    const newToken = signUnsubscribeToken({ userId: 'user-1', channel: 'email', expiresAt: inAMonth }, rotated);
    expect(verifyUnsubscribeToken(newToken, keyring, now)).toEqual({ kind: 'unknown-key' });
  });

  it('a keyring refuses short secrets and duplicate ids', () => {
    expect(() => createUnsubscribeKeyring({ id: 'short', secret: new Uint8Array(16) })).toThrow(UnsubscribeKeyringError);
    expect(() => createUnsubscribeKeyring(keyOne, [keyOne])).toThrow(UnsubscribeKeyringError);
  });
});

describe('List-Unsubscribe headers (RFC 8058)', () => {
  it('carry the https link and the one-click POST marker', () => {
    const url = unsubscribeUrlFor('https://rekindle.example.com/unsubscribe', 'tok.en');
    expect(url).toBe('https://rekindle.example.com/unsubscribe?token=tok.en');
    expect(listUnsubscribeHeaders(url)).toEqual([
      { name: 'List-Unsubscribe', value: '<https://rekindle.example.com/unsubscribe?token=tok.en>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('refuse plain http except on the loopback host of the local runtime', () => {
    expect(() => unsubscribeUrlFor('http://rekindle.example.com/u', 't')).toThrow(UnsubscribeUrlError);
    expect(() => unsubscribeUrlFor('not a url', 't')).toThrow(UnsubscribeUrlError);
    expect(unsubscribeUrlFor('http://localhost:3000/unsubscribe', 't')).toBe('http://localhost:3000/unsubscribe?token=t');
  });
});
