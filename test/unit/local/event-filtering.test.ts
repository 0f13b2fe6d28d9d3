import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { compileFilters, matchesPattern, type FilterPattern } from '../../../infra/local/event-filtering';

/** A DynamoDB stream record as Lambda's filter sees it. */
function streamRecord(eventName: string, image: Record<string, unknown>) {
  return { eventName, eventSource: 'aws:dynamodb', dynamodb: { Keys: { pk: { S: 'USER#u-1' } }, NewImage: image, SequenceNumber: '100' } };
}

/** The pattern the CDK puts into the template for a filter. */
function cdkPattern(filter: Record<string, unknown>): FilterPattern {
  return JSON.parse((FilterCriteria.filter(filter) as { pattern: string }).pattern) as FilterPattern;
}

describe('Lambda event filtering, locally', () => {
  it('matches the patterns the CDK FilterRule helpers synthesize', () => {
    // Prepare
    const purchase = streamRecord('INSERT', { type: { S: 'purchase' }, amount: { N: '12' }, firstPurchase: { BOOL: true } });
    const session = streamRecord('INSERT', { type: { S: 'session' } });
    const modify = streamRecord('MODIFY', { type: { S: 'purchase' } });

    // Act
    const insertedPurchases = cdkPattern({
      eventName: FilterRule.isEqual('INSERT'),
      dynamodb: { NewImage: { type: { S: FilterRule.or('purchase', 'refund') } } },
    });
    const notSessions = cdkPattern({ dynamodb: { NewImage: { type: { S: FilterRule.notEquals('session') } } } });
    const withFlag = cdkPattern({ dynamodb: { NewImage: { firstPurchase: FilterRule.exists() } } });
    const withoutFlag = cdkPattern({ dynamodb: { NewImage: { firstPurchase: FilterRule.notExists() } } });
    const prefixed = cdkPattern({ dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('USER#') } } } });

    // Assess
    expect([purchase, session, modify].map((record) => matchesPattern(record, insertedPurchases))).toEqual([true, false, false]);
    expect([purchase, session].map((record) => matchesPattern(record, notSessions))).toEqual([true, false]);
    expect([purchase, session].map((record) => matchesPattern(record, withFlag))).toEqual([true, false]);
    expect([purchase, session].map((record) => matchesPattern(record, withoutFlag))).toEqual([false, true]);
    expect(matchesPattern(purchase, prefixed)).toBe(true);
  });

  it('compares numbers, suffixes, case-insensitive text, $or and arrays in the record as EventBridge patterns do', () => {
    // Prepare
    const record = { detail: { amount: 12.5, name: 'First-Purchase', tags: ['vip', 'cn'] } };

    // Act
    const verdicts = [
      matchesPattern(record, { detail: { amount: [{ numeric: ['>', 10, '<=', 20] }] } }),
      matchesPattern(record, { detail: { amount: [{ numeric: ['>', 20] }] } }),
      matchesPattern(record, { detail: { name: [{ suffix: 'Purchase' }] } }),
      matchesPattern(record, { detail: { name: [{ 'equals-ignore-case': 'first-purchase' }] } }),
      matchesPattern(record, { detail: { name: [{ prefix: { 'equals-ignore-case': 'FIRST' } }] } }),
      matchesPattern(record, { detail: { tags: ['vip'] } }),
      matchesPattern(record, { detail: { $or: [{ amount: [{ numeric: ['<', 0] }] }, { tags: ['cn'] }] } }),
      matchesPattern(record, { detail: { name: [{ 'anything-but': { prefix: 'First' } }] } }),
      matchesPattern(record, { detail: { missing: ['x'] } }),
    ];

    // Assess
    expect(verdicts).toEqual([true, false, true, true, true, true, true, false, false]);
  });

  it('passes a record that matches any of the patterns, and every record when there are none', () => {
    // Prepare
    const passes = compileFilters([{ eventName: ['INSERT'] }, { eventName: ['REMOVE'] }]);
    const everything = compileFilters([]);

    // Act
    const verdicts = ['INSERT', 'MODIFY', 'REMOVE'].map((eventName) => passes({ eventName }));

    // Assess
    expect(verdicts).toEqual([true, false, true]);
    expect(everything({ eventName: 'MODIFY' })).toBe(true);
  });

  it('refuses an operator it does not implement instead of matching silently', () => {
    // Act, Assess
    expect(() => compileFilters([{ sourceIp: [{ cidr: '10.0.0.0/8' }] }])).toThrow(/cidr/);
  });
});
