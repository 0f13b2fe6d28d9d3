import { describe, expect, it } from 'vitest';
import { toHttpResponse } from '../../../shared/adapters/http/http-api';
import { CheckinStateContentionError, LedgerContentionError } from '../../../shared/domain/loyalty/errors';

describe('loyalty contention errors', () => {
  it('answer 503 with Retry-After and the unavailable code, keeping their names', () => {
    // Prepare
    const errors = [new CheckinStateContentionError('u1', 'checkin-21', 5), new LedgerContentionError('u1', 5)];

    // Act
    const answers = errors.map((error) => toHttpResponse(error, 'request-1'));

    // Assess
    expect(errors.map((error) => error.name)).toEqual(['CheckinStateContentionError', 'LedgerContentionError']);
    for (const answer of answers) {
      expect(answer.statusCode).toBe(503);
      expect(answer.headers).toMatchObject({ 'retry-after': '1' });
      expect(JSON.parse(String(answer.body))).toMatchObject({ error: 'unavailable' });
    }
  });
});
