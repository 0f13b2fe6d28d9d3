import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskContactPoint, maskEmail, maskPhone, redactContactPoints } from '../../../shared/domain/messaging';

describe('masking contact points for logs', () => {
  it.each([
    ['alice.smith@example.com', 'a***@e***.com'],
    ['李雷@例子.中国', '李***@例***.中国'],
    ['x@localhost', 'x***@l***'],
    ['no-at-sign', '***'],
    ['@example.com', '***'],
    ['bob@', '***'],
  ])('maskEmail(%s) = %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each([
    ['+8613812345678', '+*********5678'],
    ['+1 (212) 555-0123', '+*******0123'],
    ['12345', '*****'],
  ])('maskPhone(%s) = %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('push endpoints keep only their tail', () => {
    expect(maskContactPoint('push', 'arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/0f1e2d3c')).toBe('***1e2d3c');
  });

  it('property: a masked email never contains its local part or domain name in full', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const [local = '', domain = ''] = email.split('@');
        const masked = maskEmail(email);
        // A local part that is its first character and asterisks ("a**") reads the same as the mask itself.
        if (local.length > 1 && !/^.\*+$/u.test(local)) expect(masked).not.toContain(local);
        const domainName = domain.slice(0, domain.lastIndexOf('.'));
        if (domainName.length > 1) expect(masked).not.toContain(`@${domainName}`);
      }),
    );
  });

  it('property: a masked phone shows at most its last four digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{7,14}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked.replace(/\D/g, '')).toBe(phone.slice(-4));
        expect(masked).toHaveLength(phone.length);
      }),
    );
  });

  it('redacts addresses and numbers inside provider messages', () => {
    expect(redactContactPoints('Rejected: <bob.jones@mail.example.org>, phone +86 138 1234 5678, code 554')).toBe(
      'Rejected: <b***@m***.org>, phone +*********5678, code 554',
    );
  });
});
