import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRekindleApp } from '../../infra/rekindle-app';

let api: Template;

beforeAll(() => {
  const { stacks } = buildRekindleApp({ bundle: false });
  api = Template.fromStack(stacks.find((stack) => stack.stackName === 'Rekindle-Api')!);
});

type Retrier = { ErrorEquals: string[]; JitterStrategy?: string };

/** The daily health state machine's definition, tokens replaced by placeholders. */
function dailyHealthDefinition(): { States: Record<string, { Type: string; Retry?: Retrier[] }> } {
  const machines = api.findResources('AWS::StepFunctions::StateMachine');
  const [, machine] = Object.entries(machines).find(([id]) => id.includes('DailyHealth'))!;
  const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as {
    States: Record<string, { Type: string; Retry?: Retrier[] }>;
  };
}

describe('the health feature', () => {
  it('retries ComputeDay on TransientDependencyError with full jitter, and waits for the nightly scan by name', () => {
    // Act
    const retries = dailyHealthDefinition().States.ComputeDay!.Retry ?? [];

    // Assess
    expect(retries.find((retrier) => retrier.ErrorEquals.includes('TransientDependencyError'))).toMatchObject({ JitterStrategy: 'FULL' });
    expect(retries.find((retrier) => retrier.ErrorEquals.includes('HealthTalliesNotReadyError'))).toMatchObject({ JitterStrategy: 'FULL' });
  });

  it('runs daily on EventBridge Scheduler in the reporting zone, as a Standard state machine', () => {
    // Assess
    const schedules = Object.values(api.findResources('AWS::Scheduler::Schedule')).filter((schedule) =>
      String(schedule.Properties.Description).includes('product health'),
    );
    expect(schedules.map((schedule) => schedule.Properties.ScheduleExpressionTimezone)).toEqual(['Asia/Shanghai']);
    const machines = Object.entries(api.findResources('AWS::StepFunctions::StateMachine')).filter(([id]) => id.includes('DailyHealth'));
    expect(machines.map(([, machine]) => machine.Properties.StateMachineType ?? 'STANDARD')).toEqual(['STANDARD']);
  });

  it('adds the health routes, a dashboard and the STOP alarm to the alarm topic', () => {
    // Assess
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey as string);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /v1/health/daily',
        'GET /v1/health/cohorts',
        'GET /v1/health/features',
        'GET /v1/alerts',
        'GET /v1/incidents',
        'POST /v1/incidents/{id}/resume',
        'GET /v1/feedback/top',
      ]),
    );
    api.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(Object.values(api.findResources('AWS::CloudWatch::Alarm')).some((alarm) => alarm.Properties.MetricName === 'HealthStopIncidents')).toBe(true);
  });

  it('gives the nightly scan segment task the health configuration', () => {
    // Assess
    const segment = Object.entries(api.findResources('AWS::Lambda::Function')).find(([id]) => id.includes('ScoringScoreSegment'))!;
    expect(Object.keys(segment[1].Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['HEALTH_TIME_ZONE', 'HEALTH_THRESHOLDS', 'HEALTH_BENCHMARKS']),
    );
  });

  it('feeds the feedback counters from the raw-event stream, filtered to inserted feedback events', () => {
    // Assess
    const feedbackFunction = Object.keys(api.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('HealthHealthFeedback'))!;
    const mappings = Object.values(api.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => mapping.Properties.FunctionName.Ref === feedbackFunction,
    );
    expect(
      mappings.map((mapping) => (mapping.Properties.FilterCriteria.Filters as Array<{ Pattern: string }>).map((filter) => JSON.parse(filter.Pattern))),
    ).toEqual([[{ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['feedback'] } } } }]]);
    expect(mappings[0]!.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
  });
});
