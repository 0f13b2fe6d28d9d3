import { describe, expect, it } from 'vitest';
import { IllegalJourneyTransition } from '../../../shared/domain/journeys/errors';
import { applyJourneyCommand, isFinalJourneyStatus, JourneyCommand, JourneyStatus, nextJourneyStatus } from '../../../shared/domain/journeys/journey-lifecycle';

describe('journey lifecycle', () => {
  it('allows exactly the documented transitions', () => {
    // Prepare: the table written from the product rules, not from the code.
    const allowed = new Map<string, string>([
      ['draft launch', 'running'],
      ['draft stop', 'stopped'],
      ['launching finish-launch', 'running'],
      ['launching pause', 'paused'],
      ['launching stop', 'stopped'],
      ['running pause', 'paused'],
      ['running stop', 'stopped'],
      ['running complete', 'completed'],
      ['paused resume', 'running'],
      ['paused stop', 'stopped'],
    ]);

    // Act
    const actual = new Map<string, string>();
    for (const status of JourneyStatus.options) {
      for (const command of JourneyCommand.options) {
        const next = nextJourneyStatus(status, command);
        if (next !== undefined) actual.set(`${status} ${command}`, next);
      }
    }

    // Assess
    expect(actual).toEqual(allowed);
  });

  it('throws a typed error on an illegal transition', () => {
    // Prepare / Act
    const act = () => applyJourneyCommand('stopped', 'resume');

    // Assess
    expect(act).toThrowError(IllegalJourneyTransition);
    expect(act).toThrowError('Cannot resume a journey that is stopped');
  });

  it('treats stopped and completed as final', () => {
    // Prepare / Act
    const finals = JourneyStatus.options.filter(isFinalJourneyStatus);

    // Assess
    expect(finals).toEqual(['stopped', 'completed']);
  });
});
