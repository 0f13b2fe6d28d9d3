import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../../shared/domain/common';
import {
  ProgramDefinition,
  type CheckinProgramState,
  checkIn,
  enrollInCheckinProgram,
  evaluateDay,
  nextWakeUpAt,
  summarizeCheckinProgram,
} from '../../../shared/domain/loyalty/checkin-program';
import { InMemoryLedgerStore } from '../../support/fakes/ledger-store';
import { instantAtLocalTime, addLocalDays } from '../../../shared/domain/loyalty/local-day';
import { applyRewardGrants, type RewardPorts } from '../../support/apply-reward-grants';
import { InMemoryCouponStore } from '../../support/fakes/coupon-store';
import { InMemoryDrawEntryStore } from '../../support/fakes/draw-entry-store';

const defaults = ProgramDefinition.parse({});
const userId = 'user-1';

function freshPorts(): RewardPorts & { ledger: InMemoryLedgerStore; coupons: InMemoryCouponStore } {
  return { ledger: new InMemoryLedgerStore(), coupons: new InMemoryCouponStore(), drawEntries: new InMemoryDrawEntryStore() };
}

/** Checks in on each listed day number (1 = enrolment day) at 09:00 local, applying grants. */
async function runProgram(
  dayNumbers: readonly number[],
  config: ProgramDefinition,
  ports: RewardPorts,
  timeZone = 'Asia/Shanghai',
): Promise<{ state: CheckinProgramState; outcomes: string[] }> {
  const enrolledAt = instantAtLocalTime('2025-03-01', '08:00', timeZone);
  let state = enrollInCheckinProgram({ userId, timeZone, at: enrolledAt, config });
  const outcomes: string[] = [];
  for (const dayNumber of dayNumbers) {
    const at = instantAtLocalTime(addLocalDays('2025-03-01', dayNumber - 1), '09:00', timeZone);
    const outcome = checkIn(state, at, config);
    outcomes.push(outcome.kind);
    if (outcome.kind === 'checked-in') {
      await applyRewardGrants(outcome.grants, ports);
      state = outcome.state;
    } else if (outcome.kind === 'program-ended') {
      state = outcome.state;
    }
  }
  return { state, outcomes };
}

const allDays = (count: number): number[] => Array.from({ length: count }, (_, index) => index + 1);

describe('21-day check-in program', () => {
  it('gives 21×10 + 3×50 = 360 points and exactly one coupon for 21 consecutive check-ins', async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const { state, outcomes } = await runProgram(allDays(21), defaults, ports);

    // Assess
    expect(outcomes).toEqual(Array(21).fill('checked-in'));
    expect(await ports.ledger.balance(userId, 'points')).toEqual({ amount: 360, version: 24 });
    const coupons = await ports.coupons.couponsOf(userId);
    expect(coupons).toHaveLength(1);
    expect(coupons[0]?.discount).toEqual({ kind: 'percent-off', percent: 20 });
    expect(state.status).toEqual({ kind: 'completed', completedOn: '2025-03-21' });
    expect(summarizeCheckinProgram(state, defaults)).toMatchObject({ outcome: 'completed', pointsEarned: 360, streakBonuses: 3 });
  });

  it('grants streak bonuses on days 7, 14 and 21 only', async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    await runProgram(allDays(21), defaults, ports);

    // Assess
    const bonusDays = (await ports.ledger.history(userId))
      .filter((entry) => entry.kind === 'grant' && entry.reason === 'streak-bonus')
      .map((entry) => entry.id);
    expect(bonusDays).toEqual([
      'streak-bonus#user-1#checkin-21#2025-03-07',
      'streak-bonus#user-1#checkin-21#2025-03-14',
      'streak-bonus#user-1#checkin-21#2025-03-21',
    ]);
  });

  it('ends the default program as impossible when day 8 is missed: no coupon, 7×10 + 50 = 120 points', async () => {
    // Prepare
    const ports = freshPorts();
    const daysWithoutEight = allDays(21).filter((day) => day !== 8);

    // Act
    const { state, outcomes } = await runProgram(daysWithoutEight, defaults, ports);

    // Assess
    expect(outcomes.slice(0, 7)).toEqual(Array(7).fill('checked-in'));
    expect(outcomes.slice(7)).toEqual(Array(13).fill('program-ended'));
    expect(state.status).toEqual({ kind: 'ended-impossible', endedOn: '2025-03-09' });
    expect((await ports.ledger.balance(userId, 'points')).amount).toBe(120);
    expect(await ports.coupons.couponsOf(userId)).toEqual([]);
    expect(summarizeCheckinProgram(state, defaults)).toMatchObject({
      outcome: 'completion-impossible',
      checkIns: 7,
      pointsEarned: 120,
      couponIssued: false,
    });
  });

  it('resets the streak after a missed day when the window leaves room for misses (15 of 21)', async () => {
    // Prepare: days 1–7, miss 8, then 9 onwards; the 15th check-in is on day 16.
    const ports = freshPorts();
    const lenient = ProgramDefinition.parse({ requiredCheckins: 15 });
    const daysWithoutEight = allDays(21).filter((day) => day !== 8);

    // Act
    const enrolledAt = instantAtLocalTime('2025-03-01', '08:00', 'Asia/Shanghai');
    const before = await runProgram(daysWithoutEight.slice(0, 7), lenient, ports);
    const dayNine = checkIn(before.state, new Date(enrolledAt.getTime() + 8 * MS_PER_DAY), lenient);
    const { state, outcomes } = await runProgram(daysWithoutEight, lenient, freshPorts());

    // Assess: streak back to 1 on day 9; 15 check-ins × 10 + bonuses on days 7 and 15 = 250
    expect(dayNine).toMatchObject({ kind: 'checked-in', dayNumber: 9, streak: 1 });
    expect(outcomes.filter((kind) => kind === 'checked-in')).toHaveLength(15);
    expect(state.status).toEqual({ kind: 'completed', completedOn: '2025-03-16' });
    expect(summarizeCheckinProgram(state, lenient)).toMatchObject({ pointsEarned: 250, streakBonuses: 2, couponIssued: true });
  });

  it('answers not-enrolled without a state and refuses a second check-in on the same local day', () => {
    // Prepare
    const at = new Date('2025-03-01T01:00:00Z');
    const state = enrollInCheckinProgram({ userId, timeZone: 'Asia/Shanghai', at, config: defaults });
    const first = checkIn(state, at, defaults);
    if (first.kind !== 'checked-in') throw new Error('first check-in must succeed');

    // Act
    const again = checkIn(first.state, new Date(at.getTime() + 3 * 3_600_000), defaults);

    // Assess
    expect(checkIn(undefined, at, defaults)).toEqual({ kind: 'not-enrolled' });
    expect(again).toEqual({ kind: 'already-checked-in-today', day: '2025-03-01' });
  });

  it('grants 10 points once for 100 concurrent identical check-ins', async () => {
    // Prepare
    const ports = freshPorts();
    const at = new Date('2025-03-01T01:00:00Z');
    const state = enrollInCheckinProgram({ userId, timeZone: 'Asia/Shanghai', at, config: defaults });

    // Act: every request reads the same state, decides, and appends concurrently.
    const results = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const outcome = checkIn(state, at, defaults);
        return outcome.kind === 'checked-in' ? applyRewardGrants(outcome.grants, ports) : [];
      }),
    );

    // Assess
    const appendKinds = results.flat().map((result) => (result.kind === 'points' ? result.outcome.kind : result.kind));
    expect(appendKinds.filter((kind) => kind === 'appended')).toHaveLength(1);
    expect(appendKinds.filter((kind) => kind === 'already-granted')).toHaveLength(99);
    expect(await ports.ledger.balance(userId, 'points')).toEqual({ amount: 10, version: 1 });
    expect(await ports.ledger.history(userId)).toHaveLength(1);
  });
});

describe('check-in local days', () => {
  it('counts a check-in at 23:30 Asia/Shanghai for that Shanghai day, and 00:30 for the next', () => {
    // Prepare: 23:30 on 10 January in Shanghai is 15:30Z; 00:30 on the 11th is 16:30Z.
    const enrolledAt = new Date('2025-01-10T01:00:00Z');
    const state = enrollInCheckinProgram({ userId, timeZone: 'Asia/Shanghai', at: enrolledAt, config: defaults });

    // Act
    const lateEvening = checkIn(state, new Date('2025-01-10T15:30:00Z'), defaults);
    const afterMidnight = lateEvening.kind === 'checked-in' ? checkIn(lateEvening.state, new Date('2025-01-10T16:30:00Z'), defaults) : lateEvening;

    // Assess: two Shanghai days, one UTC day apart by an hour: a streak of 2.
    expect(lateEvening).toMatchObject({ kind: 'checked-in', day: '2025-01-10', dayNumber: 1 });
    expect(afterMidnight).toMatchObject({ kind: 'checked-in', day: '2025-01-11', dayNumber: 2, streak: 2 });
  });

  it('keeps the streak across both New York DST changes with check-ins at 23:30 local', async () => {
    // Prepare: a 21-day window from 2025-02-25 holds 9 March (23-hour day); one from 2025-10-20 holds 2 November (25 hours).
    for (const startDay of ['2025-02-25', '2025-10-20']) {
      const ports = freshPorts();
      let state = enrollInCheckinProgram({
        userId,
        timeZone: 'America/New_York',
        at: instantAtLocalTime(startDay, '07:00', 'America/New_York'),
        config: defaults,
      });

      // Act
      for (let offset = 0; offset < 21; offset += 1) {
        const outcome = checkIn(state, instantAtLocalTime(addLocalDays(startDay, offset), '23:30', 'America/New_York'), defaults);
        if (outcome.kind !== 'checked-in') throw new Error(`day ${offset + 1}: ${outcome.kind}`);
        await applyRewardGrants(outcome.grants, ports);
        state = outcome.state;
      }

      // Assess
      expect(state.streak).toBe(21);
      expect((await ports.ledger.balance(userId, 'points')).amount).toBe(360);
    }
  });
});

describe('evaluateDay and wake-ups', () => {
  const timeZone = 'America/New_York';
  const enrolledAt = new Date('2025-03-05T14:00:00Z'); // 09:00 EST, 5 March
  const enrolled = enrollInCheckinProgram({ userId, timeZone, at: enrolledAt, config: defaults });

  it('waits until the local reminder time, then reminds when there is no check-in that day', () => {
    // Prepare
    const morning = new Date('2025-03-05T15:00:00Z'); // 10:00 EST
    const evening = new Date('2025-03-06T01:00:00Z'); // 20:00 EST on the 5th

    // Act
    const atMorning = evaluateDay(enrolled, morning, defaults);
    const atEvening = evaluateDay(enrolled, evening, defaults);

    // Assess
    expect(atMorning).toEqual({ kind: 'nothing-due', wakeAt: evening });
    expect(atEvening).toEqual({
      kind: 'reminder-due',
      day: '2025-03-05',
      reminderId: 'checkin-reminder#user-1#checkin-21#2025-03-05',
      wakeAt: new Date('2025-03-07T01:00:00Z'),
    });
  });

  it('sends no reminder on a day with a check-in', () => {
    // Prepare
    const checkedIn = checkIn(enrolled, enrolledAt, defaults);
    if (checkedIn.kind !== 'checked-in') throw new Error('check-in must succeed');

    // Act
    const evaluation = evaluateDay(checkedIn.state, new Date('2025-03-06T01:00:00Z'), defaults);

    // Assess
    expect(evaluation).toEqual({ kind: 'nothing-due', wakeAt: new Date('2025-03-07T01:00:00Z') });
  });

  it('ends the program at the wake after a missed day, with a summary', () => {
    // Prepare: checked in on the 5th, nothing on the 6th; the next wake is 20:00 on the 7th.
    const checkedIn = checkIn(enrolled, enrolledAt, defaults);
    if (checkedIn.kind !== 'checked-in') throw new Error('check-in must succeed');

    // Act
    const onSixth = evaluateDay(checkedIn.state, new Date('2025-03-07T01:00:00Z'), defaults);
    const onSeventh = evaluateDay(checkedIn.state, new Date('2025-03-08T01:00:00Z'), defaults);

    // Assess
    expect(onSixth.kind).toBe('reminder-due');
    expect(onSeventh).toMatchObject({
      kind: 'ended-impossible',
      state: { status: { kind: 'ended-impossible', endedOn: '2025-03-07' } },
      summary: { outcome: 'completion-impossible', checkIns: 1, pointsEarned: 10 },
    });
    expect(nextWakeUpAt(checkedIn.state, new Date('2025-03-08T01:00:00Z'), defaults)).toBeUndefined();
  });

  it('wakes at 20:00 local on both sides of the spring-forward day: 23 hours apart', () => {
    // Prepare: 20:00 EST on 8 March is 01:00Z on the 9th; 20:00 EDT on the 9th is 00:00Z on the 10th.
    const withCheckIns = { ...enrolled, checkedInDays: ['2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08'], streak: 4 };

    // Act
    const beforeChange = nextWakeUpAt(withCheckIns, new Date('2025-03-08T20:00:00Z'), defaults);
    const afterChange = nextWakeUpAt(withCheckIns, new Date('2025-03-09T01:00:00Z'), defaults);

    // Assess
    expect(beforeChange).toEqual(new Date('2025-03-09T01:00:00Z'));
    expect(afterChange).toEqual(new Date('2025-03-10T00:00:00Z'));
  });
});

describe('check-in program properties', () => {
  it('ledger points always equal the summary, and at most one coupon is issued', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 21, maxLength: 21 }), fc.integer({ min: 1, max: 21 }), async (attends, required) => {
        // Prepare
        const ports = freshPorts();
        const config = ProgramDefinition.parse({ requiredCheckins: required });
        const dayNumbers = attends.flatMap((attended, index) => (attended ? [index + 1] : []));

        // Act
        const { state } = await runProgram(dayNumbers, config, ports);

        // Assess
        const earned = (await ports.ledger.balance(userId, 'points')).amount;
        expect(earned).toBe(summarizeCheckinProgram(state, config).pointsEarned);
        const coupons = await ports.coupons.couponsOf(userId);
        expect(coupons.length).toBe(state.status.kind === 'completed' ? 1 : 0);
        expect(state.checkedInDays.length).toBeLessThanOrEqual(required);
        // A model of the end rule: completed at the R-th check-in; ended the day after misses exceed W − R.
        let checked = 0;
        let misses = 0;
        let modelEnd: { kind: 'completed' } | { kind: 'ended-impossible'; endedOn: string } = { kind: 'completed' };
        for (const [index, attended] of attends.entries()) {
          if (attended) checked += 1;
          else misses += 1;
          if (checked === required) break;
          if (misses > 21 - required) {
            modelEnd = { kind: 'ended-impossible', endedOn: addLocalDays('2025-03-01', index + 1) };
            break;
          }
        }
        const afterWindow = evaluateDay(state, instantAtLocalTime('2025-03-22', '20:00', 'Asia/Shanghai'), config);
        if (modelEnd.kind === 'completed') {
          expect(state.status.kind).toBe('completed');
          expect(afterWindow.kind).toBe('program-over');
        } else {
          // Ended by a later check-in, or — with none after the fatal miss — by the next wake.
          const finalStatus = afterWindow.kind === 'ended-impossible' ? afterWindow.state.status : state.status;
          expect(finalStatus).toEqual(modelEnd);
        }
      }),
      { numRuns: 150 },
    );
  });
});
