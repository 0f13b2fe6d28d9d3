import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../shared/domain/common';
import {
  DEFAULT_JOURNEY_INPUTS,
  isInHoldout,
  JourneyAlreadyExists,
  JourneyDefinitionInvalid,
  LAUNCH_SCAN_SEGMENTS,
  type LaunchRequest,
} from '../../../../shared/domain/journeys';
import { finishLaunch } from '../../../../shared/application/journeys/finish-launch';
import { launchJourney } from '../../../../shared/application/journeys/launch-journey';
import { launchSegment, type LaunchSegmentState } from '../../../../shared/application/journeys/launch-segment';
import { controlJourney } from '../../../../shared/application/journeys/control-journey';
import { getJourney } from '../../../../shared/application/journeys/read-journeys';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';
import { scoredUser } from '../../journeys/fixtures';

const JOURNEY_ID = 'spring-r3';

/** The shipped R3 journey under its own id, with a large holdout so both groups are well filled. */
function launchRequest(overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return { definition: { ...DEFAULT_JOURNEY_INPUTS.R3, id: JOURNEY_ID, holdoutShare: 0.5 }, audience: {}, ...overrides };
}

function portsWithUsers(count: number) {
  const ports = fakeJourneyPorts();
  ports.scores.users.push(...Array.from({ length: count }, (_, i) => scoredUser({ userId: `u-${String(i).padStart(3, '0')}` })));
  ports.scores.pageSize = 3;
  return ports;
}

type Ports = ReturnType<typeof portsWithUsers>;

/** Runs the launch workflow as its state machine would: every segment to `done` (or the first other state), then FinishLaunch. */
async function runLaunchWorkflow(ports: Ports, outOfTime = () => false): Promise<LaunchSegmentState[]> {
  const states: LaunchSegmentState[] = [];
  for (let segment = 0; segment < LAUNCH_SCAN_SEGMENTS; segment++) {
    let state: LaunchSegmentState;
    do state = (await launchSegment({ journeyId: JOURNEY_ID, segment, totalSegments: LAUNCH_SCAN_SEGMENTS }, { ...ports, outOfTime })).state;
    while (state === 'more');
    states.push(state);
  }
  if (states.every((state) => state === 'done')) await finishLaunch({ journeyId: JOURNEY_ID }, ports);
  return states;
}

describe('launchJourney', () => {
  it('stores the journey launching and starts its launch workflow, enrolling nobody in the request', async () => {
    // Prepare
    const ports = portsWithUsers(60);

    // Act
    const result = await launchJourney(launchRequest(), ports);

    // Assess
    expect(result).toMatchObject({
      journeyId: JOURNEY_ID,
      status: 'launching',
      relaunch: false,
      launchAttempt: 1,
      matched: 0,
      enrolled: 0,
      selectionDone: false,
    });
    expect(ports.journeys.journeys.get(JOURNEY_ID)).toMatchObject({ status: 'launching', launchAttempt: 1 });
    expect(ports.launchWorkflow.started).toEqual([{ journeyId: JOURNEY_ID, attempt: 1 }]);
    expect(ports.enrollments.enrollCalls).toEqual([]);
    expect(ports.queue.messages).toEqual([]);
  });

  it('answers a second launch with the progress, starting no new attempt while the first runs', async () => {
    // Prepare
    const ports = portsWithUsers(20);
    await launchJourney(launchRequest(), ports);
    await runLaunchWorkflow(ports);
    const queuedOnce = [...ports.queue.messages];

    // Act
    const again = await launchJourney(launchRequest(), ports);

    // Assess
    expect(again).toMatchObject({
      relaunch: true,
      status: 'running',
      launchAttempt: 1,
      matched: 20,
      enrolled: 20,
      queued: queuedOnce.length,
      selectionDone: true,
    });
    expect(ports.launchWorkflow.started).toEqual([{ journeyId: JOURNEY_ID, attempt: 1 }]);
    expect(ports.queue.messages).toEqual(queuedOnce);
  });

  it('resumes a failed launch with a next attempt, which goes on from the cursors and enrolls nobody twice', async () => {
    // Prepare: the store fails once, half-way through the segments
    const ports = portsWithUsers(40);
    await launchJourney(launchRequest(), ports);
    const enrollOnce = ports.enrollments.enrollOnce.bind(ports.enrollments);
    let calls = 0;
    ports.enrollments.enrollOnce = async (...args) => {
      if (++calls === 8) throw new Error('the table went away');
      return enrollOnce(...args);
    };
    await expect(runLaunchWorkflow(ports)).rejects.toThrowError('the table went away');
    ports.journeys.journeys.get(JOURNEY_ID)!.launchFailure = { error: 'Error', cause: 'the table went away' };
    const pagesBefore = ports.scores.pagesRead.length;

    // Act
    const resumed = await launchJourney(launchRequest(), ports);
    await runLaunchWorkflow(ports);

    // Assess: the pages checkpointed before the failure were not read again
    expect(resumed).toMatchObject({ relaunch: true, launchAttempt: 2 });
    expect(ports.launchWorkflow.started).toEqual([
      { journeyId: JOURNEY_ID, attempt: 1 },
      { journeyId: JOURNEY_ID, attempt: 2 },
    ]);
    const members = await ports.journeys.listMembers(JOURNEY_ID);
    const treated = members.filter((member) => !member.holdout).map((member) => member.userId);
    expect(members).toHaveLength(40);
    expect(new Set(ports.queue.messages.map((message) => message.userId))).toEqual(new Set(treated));
    expect(ports.journeys.journeys.get(JOURNEY_ID)).toMatchObject({
      status: 'running',
      launch: { matched: 40, enrolled: 40, holdout: 40 - treated.length, queued: treated.length },
    });
    expect(ports.scores.pagesRead.length - pagesBefore).toBeLessThan(pagesBefore + 4);
  });

  it('refuses to launch an id that runs another definition', async () => {
    // Prepare
    const ports = portsWithUsers(3);
    await launchJourney(launchRequest(), ports);

    // Act
    const act = launchJourney(launchRequest({ definition: { ...DEFAULT_JOURNEY_INPUTS.R3, id: JOURNEY_ID, holdoutShare: 0.2 } }), ports);

    // Assess
    await expect(act).rejects.toThrowError(JourneyAlreadyExists);
  });

  it('names each bad field of the definition under definition., as the request spells it, and writes nothing', async () => {
    // Prepare
    const ports = portsWithUsers(3);

    // Act
    const act = launchJourney(launchRequest({ definition: { ...DEFAULT_JOURNEY_INPUTS.R3, id: JOURNEY_ID, maxDurationDays: -1 } }), ports);

    // Assess
    const error: unknown = await act.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JourneyDefinitionInvalid);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(new Set((error as JourneyDefinitionInvalid).problems.map((problem) => problem.path))).toEqual(new Set(['definition.maxDurationDays']));
    expect(ports.journeys.journeys.size).toBe(0);
    expect(ports.launchWorkflow.started).toEqual([]);
  });
});

describe('the launch workflow (launchSegment, finishLaunch)', () => {
  it('records the holdout as members and never queues one of them for a start', async () => {
    // Prepare
    const ports = portsWithUsers(60);
    await launchJourney(launchRequest(), ports);

    // Act
    await runLaunchWorkflow(ports);

    // Assess
    const members = await ports.journeys.listMembers(JOURNEY_ID);
    const holdout = members.filter((member) => member.holdout).map((member) => member.userId);
    expect(holdout.length).toBeGreaterThan(0);
    expect(holdout.every((userId) => isInHoldout(JOURNEY_ID, userId, 0.5))).toBe(true);
    const queued = ports.queue.messages.map((message) => message.userId);
    expect(queued.filter((userId) => holdout.includes(userId))).toEqual([]);
    expect(queued).toHaveLength(members.length - holdout.length);
    expect((await getJourney(JOURNEY_ID, ports)).progress).toMatchObject({
      matched: 60,
      enrolled: 60,
      holdout: holdout.length,
      queued: 60 - holdout.length,
      alreadyEnrolled: 0,
      selectionDone: true,
    });
    expect(ports.journeys.journeys.get(JOURNEY_ID)?.status).toBe('running');
  });

  it('hands its cursor back when out of time and goes on from it on the next call', async () => {
    // Prepare
    const ports = portsWithUsers(48);
    await launchJourney(launchRequest(), ports);

    // Act: every call does one page only
    await runLaunchWorkflow(ports, () => true);

    // Assess: 48 users in 8 segments of 6, pages of 3: 2 pages a segment, each read once
    expect(ports.scores.pagesRead).toHaveLength(16);
    expect(new Set(ports.queue.messages.map((message) => message.userId)).size).toBe(ports.queue.messages.length);
    expect((await getJourney(JOURNEY_ID, ports)).progress).toMatchObject({ matched: 48, enrolled: 48, segmentsDone: 8 });
  });

  it('writes a page without reading first only after a checkpoint it wrote itself, and reads first after one it found stored', async () => {
    // Prepare: two launches of 48 users in 8 segments of 6, pages of 3
    const straight = portsWithUsers(48);
    const handedBack = portsWithUsers(48);
    await launchJourney(launchRequest(), straight);
    await launchJourney(launchRequest(), handedBack);

    // Act: one runs each segment in one call; the other hands its cursor back after every page
    await runLaunchWorkflow(straight);
    await runLaunchWorkflow(handedBack, () => true);

    // Assess: the second page of a handed-back segment starts from a checkpoint found stored
    const firstAttempts = (ports: Ports) => ports.enrollments.enrollOptions.map((options) => options.soleEnroller === true && options.firstAttempt === true);
    expect(firstAttempts(straight)).toEqual(Array.from({ length: 16 }, () => true));
    expect(firstAttempts(handedBack)).toEqual(Array.from({ length: 16 }, (_, i) => i % 2 === 0));
  });

  it('keeps a member enrolled meanwhile with their first enrollment and counts them apart', async () => {
    // Prepare
    const ports = portsWithUsers(5);
    const earlier = { userId: 'u-000', tier: 'R3' as const, holdout: false, enrolledAt: '2026-03-01T00:00:00.000Z' };
    await ports.enrollments.enrollOnce(JOURNEY_ID, [earlier]);
    await launchJourney(launchRequest(), ports);

    // Act
    await runLaunchWorkflow(ports);

    // Assess
    expect(ports.journeys.journeys.get(JOURNEY_ID)?.launch).toMatchObject({ enrolled: 4, alreadyEnrolled: 1 });
    expect(ports.queue.messages.map((message) => message.userId)).not.toContain('u-000');
    expect((await ports.journeys.listMembers(JOURNEY_ID)).find((member) => member.userId === 'u-000')).toEqual(earlier);
  });

  it('holds the selection while the journey is paused, and resuming goes back to launching', async () => {
    // Prepare
    const ports = portsWithUsers(16);
    await launchJourney(launchRequest(), ports);
    await controlJourney(JOURNEY_ID, 'pause', ports);

    // Act
    const whilePaused = await runLaunchWorkflow(ports);
    const resumed = await controlJourney(JOURNEY_ID, 'resume', ports);
    const afterResume = await runLaunchWorkflow(ports);

    // Assess
    expect(whilePaused).toEqual(Array.from({ length: LAUNCH_SCAN_SEGMENTS }, () => 'held'));
    expect(resumed.journey.status).toBe('launching');
    expect(afterResume).toEqual(Array.from({ length: LAUNCH_SCAN_SEGMENTS }, () => 'done'));
    expect(ports.journeys.journeys.get(JOURNEY_ID)).toMatchObject({ status: 'running', launch: { enrolled: 16 } });
  });

  it('ends the selection when the journey is stopped during its launch, enrolling nobody after it', async () => {
    // Prepare
    const ports = portsWithUsers(16);
    await launchJourney(launchRequest(), ports);
    await launchSegment({ journeyId: JOURNEY_ID, segment: 0, totalSegments: LAUNCH_SCAN_SEGMENTS }, { ...ports, outOfTime: () => false });
    const enrolledBefore = ports.enrollments.enrollCalls.length;

    // Act
    await controlJourney(JOURNEY_ID, 'stop', ports);
    const states = await runLaunchWorkflow(ports);
    await finishLaunch({ journeyId: JOURNEY_ID }, ports);

    // Assess
    expect(enrolledBefore).toBe(2);
    expect(states.slice(1)).toEqual(Array.from({ length: LAUNCH_SCAN_SEGMENTS - 1 }, () => 'done'));
    expect(ports.enrollments.enrollCalls).toHaveLength(enrolledBefore);
    expect(ports.journeys.journeys.get(JOURNEY_ID)).toMatchObject({ status: 'stopped', launch: { enrolled: 2 } });
  });
});
