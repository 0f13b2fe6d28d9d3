import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { REPO_ROOT } from '../constructs/function-entry';
import type { BusRule } from './event-bus';
import { lambdaContext, type GatewayRoute, type HttpLambda, type RouteAuth } from './http-gateway';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import type { LocalQueues, LocalStateMachine } from './provisioning';
import type { QueueHandler, QueueSubscription } from './queue-event-sources';
import type { LocalSchedule } from './schedules';
import type { LocalStepFunctions, TaskHandlerResolver } from './step-functions';
import type { StreamHandler, StreamSubscription } from './stream-event-sources';
import { SynthesizedApp, localArn } from './template';
import type { TemplateValues } from './template-values';

export type AnyHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/** The template's functions as handler modules in this process, invoked as Lambda would. */
export class LocalFunctions {
  private readonly modules = new Map<string, Promise<AnyHandler>>();
  private readonly entries = new Map<string, string>();
  private readonly logicalIdsByArn = new Map<string, string>();
  private running = 0;

  constructor(private readonly app: SynthesizedApp) {
    for (const fn of app.functions()) {
      this.logicalIdsByArn.set(localArn(fn, 'Arn', LOCAL_REGION, LOCAL_ACCOUNT), fn.logicalId);
      this.entries.set(fn.logicalId, fn.entry);
    }
  }

  /**
   * Imports every function's handler module. Optional: a handler is imported on its first call
   * anyway; `npm start` warms them all behind the API so the first requests answer at once.
   */
  async load(): Promise<void> {
    for (const fn of this.app.functions()) await this.imported(fn.logicalId);
  }

  /** The handler module of a function, imported once (handlers sharing an entry share the import). */
  private imported(logicalId: string): Promise<AnyHandler> {
    const entry = this.entries.get(logicalId);
    if (!entry) return Promise.reject(new Error(`no local handler for function ${logicalId}`));
    let loading = this.modules.get(entry);
    if (!loading) {
      loading = import(pathToFileURL(join(REPO_ROOT, entry)).href).then((module: { handler?: AnyHandler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
        return module.handler;
      });
      // A failed import (a syntax error being fixed) is tried again on the next call.
      loading.catch(() => this.modules.delete(entry));
      this.modules.set(entry, loading);
    }
    return loading;
  }

  /** Invocations under way (settle waits for none). */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Calls the function's handler, importing its module on the first call. As in Lambda, the
   * import (the cold start's init) does not count against the invocation's time limit.
   */
  handlerOf(logicalId: string): AnyHandler {
    return async (event, context) => {
      const began = Date.now();
      const handler = await this.imported(logicalId);
      try {
        return await handler(event, withInitExcluded(context, Date.now() - began));
      } finally {
        this.onInvocationEnd?.();
      }
    };
  }

  /** Called after every invocation: what it wrote may be waiting for a poller (streams). */
  onInvocationEnd: (() => void) | undefined;

  /** The logical id of the function a local ARN names, if it names one. */
  logicalIdOfArn(arn: string): string | undefined {
    return this.logicalIdsByArn.get(arn);
  }

  async invoke(logicalId: string, event: unknown): Promise<unknown> {
    this.running += 1;
    try {
      const timeout = Number(this.app.functions().find((fn) => fn.logicalId === logicalId)?.Properties?.Timeout ?? 30);
      return await this.handlerOf(logicalId)(event, lambdaContext(logicalId, randomUUID(), timeout));
    } finally {
      this.running -= 1;
    }
  }
}

/** The invocation context with the time an import took given back to its remaining time. */
function withInitExcluded(context: unknown, initMs: number): unknown {
  const remaining = (context as { getRemainingTimeInMillis?: () => number } | undefined)?.getRemainingTimeInMillis;
  if (initMs <= 0 || typeof remaining !== 'function') return context;
  return { ...(context as object), getRemainingTimeInMillis: () => remaining() + initMs };
}

/**
 * Reads the template's wiring and turns it into what the local services take: HTTP routes, stream
 * and queue subscriptions (SNS → Lambda included), EventBridge rules, schedules, state machine
 * definitions and the Lambda tasks of those machines.
 */
export class TemplateBindings {
  constructor(
    private readonly app: SynthesizedApp,
    private readonly values: TemplateValues,
    private readonly functions: LocalFunctions,
    private readonly queues: LocalQueues,
    /** The engine, once it runs: rules and schedules start executions on it. */
    private readonly stepFunctions: () => LocalStepFunctions,
  ) {}

  /** The API's routes, each calling its function's handler, protected as the template says. */
  gatewayRoutes(): GatewayRoute[] {
    return this.app.resourcesOfType('AWS::ApiGatewayV2::Route').map((route) => {
      const properties = route.Properties ?? {};
      const [method, path] = String(properties.RouteKey).split(' ') as [string, string];
      const target = properties.Target as { 'Fn::Join': [string, unknown[]] };
      const integrationRef = target['Fn::Join'][1].find((part) => typeof part === 'object') as { Ref: string };
      const integration = this.app.resource(route.stackName, integrationRef.Ref);
      const fn = this.values.functionOf(route.stackName, integration?.Properties?.IntegrationUri);
      const authorization = String(properties.AuthorizationType ?? 'NONE');
      const auth: RouteAuth = authorization === 'CUSTOM' ? 'ingest-key' : authorization === 'AWS_IAM' ? 'marketer' : 'none';
      return { method, path, auth, functionName: fn.logicalId, handler: this.functions.handlerOf(fn.logicalId) as HttpLambda };
    });
  }

  /** Event source mappings from DynamoDB streams. */
  streamSubscriptions(): StreamSubscription[] {
    return this.app.resourcesOfType('AWS::Lambda::EventSourceMapping').flatMap((mapping) => {
      const properties = mapping.Properties ?? {};
      const source = this.app.referencedResource(mapping.stackName, properties.EventSourceArn);
      if (!source || source.resource.Type !== 'AWS::DynamoDB::Table') return [];
      const fn = this.values.functionOf(mapping.stackName, properties.FunctionName);
      const filters = ((properties.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? []).map(
        (filter) => JSON.parse(filter.Pattern) as Record<string, unknown>,
      );
      return [
        {
          tableName: SynthesizedApp.localName(source.resource.stackName, source.resource.logicalId),
          functionName: fn.logicalId,
          handler: this.functions.handlerOf(fn.logicalId) as StreamHandler,
          // Lambda takes up to 10,000 records a batch from a DynamoDB stream (several GetRecords pages).
          batchSize: Math.min(Number(properties.BatchSize ?? 100), 10_000),
          filters,
          batchingWindowMs: Number(properties.MaximumBatchingWindowInSeconds ?? 0) * 1000,
          parallelizationFactor: Math.min(10, Math.max(1, Number(properties.ParallelizationFactor ?? 1))),
          reportBatchItemFailures: ((properties.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
          bisectBatchOnError: properties.BisectBatchOnFunctionError === true,
          maximumRetryAttempts: Number(properties.MaximumRetryAttempts ?? -1),
        },
      ];
    });
  }

  /**
   * Event source mappings from SQS queues, and SNS → Lambda subscriptions: the emulator delivers
   * to a queue created here, which is polled and handed over as SNS records.
   */
  async queueSubscriptions(): Promise<QueueSubscription[]> {
    const sqs = this.queues.sqsClient();
    const arnOf = async (url: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? url;
    const subscriptions: QueueSubscription[] = [];
    for (const mapping of this.app.resourcesOfType('AWS::Lambda::EventSourceMapping')) {
      const source = this.app.referencedResource(mapping.stackName, mapping.Properties?.EventSourceArn);
      if (!source || source.resource.Type !== 'AWS::SQS::Queue') continue;
      const fn = this.values.functionOf(mapping.stackName, mapping.Properties?.FunctionName);
      const url = this.queues.urlOf(source.resource);
      subscriptions.push({
        queueUrl: url,
        queueArn: await arnOf(url),
        functionName: fn.logicalId,
        batchSize: Number(mapping.Properties?.BatchSize ?? 10),
        handler: ((event) => this.functions.invoke(fn.logicalId, event)) as QueueHandler,
        shape: 'sqs',
      });
    }
    const sns = this.queues.snsClient();
    for (const subscription of this.app.resourcesOfType('AWS::SNS::Subscription')) {
      if (subscription.Properties?.Protocol !== 'lambda') continue;
      const topic = this.app.referencedResource(subscription.stackName, subscription.Properties?.TopicArn);
      if (!topic) continue;
      const fn = this.values.functionOf(subscription.stackName, subscription.Properties?.Endpoint);
      const topicArn = localArn(topic.resource, null, LOCAL_REGION, LOCAL_ACCOUNT);
      const created = await sqs.send(new CreateQueueCommand({ QueueName: `sns-${subscription.logicalId}`.slice(0, 80) }));
      const queueArn = await arnOf(created.QueueUrl!);
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
      subscriptions.push({
        queueUrl: created.QueueUrl!,
        queueArn,
        functionName: fn.logicalId,
        batchSize: 10,
        handler: ((event) => this.functions.invoke(fn.logicalId, event)) as QueueHandler,
        shape: 'sns',
        topicArn,
      });
    }
    return subscriptions;
  }

  /** Every state machine of the template, its definition resolved and substituted. */
  stateMachines(): LocalStateMachine[] {
    return this.app.resourcesOfType('AWS::StepFunctions::StateMachine').map((machine) => {
      const raw = machine.Properties?.DefinitionString ?? machine.Properties?.Definition;
      const definition =
        typeof raw === 'string' || (raw && typeof raw === 'object' && ('Fn::Join' in raw || 'Ref' in raw))
          ? this.values.resolve(machine.stackName, raw)
          : JSON.stringify(raw);
      const substitutions = (machine.Properties?.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
      const substituted = Object.entries(substitutions).reduce(
        (text, [key, value]) => text.split('${' + key + '}').join(this.values.resolve(machine.stackName, value)),
        definition,
      );
      return {
        arn: localArn(machine, null, LOCAL_REGION, LOCAL_ACCOUNT),
        name: SynthesizedApp.localName(machine.stackName, machine.logicalId),
        definition: substituted,
        type: machine.Properties?.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      };
    });
  }

  /** Lambda tasks of the state machines: `lambda:invoke` and direct function ARNs. */
  lambdaTasks(): TaskHandlerResolver {
    return (resource) => {
      if (resource === 'arn:aws:states:::lambda:invoke') {
        return async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload?: unknown };
          const logicalId = this.functions.logicalIdOfArn(FunctionName) ?? FunctionName;
          return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: await this.functions.invoke(logicalId, Payload ?? {}) };
        };
      }
      const logicalId = this.functions.logicalIdOfArn(resource);
      return logicalId ? async (input) => this.functions.invoke(logicalId, input) : undefined;
    };
  }

  /** The template's EventBridge rules, delivering to state machines, functions and queues. */
  busRules(): BusRule[] {
    return this.app.resourcesOfType('AWS::Events::Rule').flatMap((rule) => {
      const properties = rule.Properties ?? {};
      if (!properties.EventPattern || properties.State === 'DISABLED') return [];
      const busRef = properties.EventBusName;
      const busName = busRef === undefined ? 'default' : this.values.resolve(rule.stackName, busRef).split('/').pop()!;
      const targets = ((properties.Targets ?? []) as Array<Record<string, unknown>>).map((target) => {
        const referenced = this.app.referencedResource(rule.stackName, target.Arn);
        const id = String(target.Id);
        const inputOf = (event: unknown) => (target.Input ? String(target.Input) : JSON.stringify(event));
        if (referenced?.resource.Type === 'AWS::StepFunctions::StateMachine') {
          const arn = localArn(referenced.resource, null, LOCAL_REGION, LOCAL_ACCOUNT);
          return { id, deliver: async (event: unknown) => void (await this.stepFunctions().startExecution({ stateMachineArn: arn, input: inputOf(event) })) };
        }
        if (referenced?.resource.Type === 'AWS::Lambda::Function') {
          const logicalId = referenced.resource.logicalId;
          return { id, deliver: async (event: unknown) => void (await this.functions.invoke(logicalId, JSON.parse(inputOf(event)))) };
        }
        if (referenced?.resource.Type === 'AWS::SQS::Queue') {
          const url = this.queues.urlOf(referenced.resource);
          const sendAll = async (events: unknown[]) => {
            for (let i = 0; i < events.length; i += 10) {
              const answer = await this.queues.sqsClient().send(
                new SendMessageBatchCommand({
                  QueueUrl: url,
                  Entries: events.slice(i, i + 10).map((event, j) => ({ Id: String(j), MessageBody: inputOf(event) })),
                }),
              );
              if (answer.Failed?.length) throw new Error(`${answer.Failed.length} events not put on ${url}: ${answer.Failed[0]?.Message ?? ''}`);
            }
          };
          return { id, deliver: (event: unknown) => sendAll([event]), deliverAll: sendAll };
        }
        throw new Error(`rule ${rule.logicalId}: the local bus cannot deliver to ${JSON.stringify(target.Arn)}`);
      });
      return [{ name: rule.logicalId, busName, pattern: properties.EventPattern as Record<string, unknown>, targets }];
    });
  }

  /** The template's EventBridge Scheduler schedules, to be fired on the virtual clock. */
  schedules(): LocalSchedule[] {
    return this.app.resourcesOfType('AWS::Scheduler::Schedule').flatMap((schedule) => {
      const properties = schedule.Properties ?? {};
      if (properties.State === 'DISABLED') return [];
      const target = properties.Target as { Arn: unknown; Input?: string };
      const referenced = this.app.referencedResource(schedule.stackName, target.Arn);
      if (!referenced) throw new Error(`schedule ${schedule.logicalId}: cannot resolve its target`);
      const inputAt = (time: Date) => (target.Input ?? '{}').split('<aws.scheduler.scheduled-time>').join(time.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      const fire = async (time: Date): Promise<void> => {
        if (referenced.resource.Type === 'AWS::StepFunctions::StateMachine') {
          await this.stepFunctions().startExecution({
            stateMachineArn: localArn(referenced.resource, null, LOCAL_REGION, LOCAL_ACCOUNT),
            input: inputAt(time),
          });
        } else if (referenced.resource.Type === 'AWS::Lambda::Function') {
          await this.functions.invoke(referenced.resource.logicalId, JSON.parse(inputAt(time)));
        } else {
          throw new Error(`schedule ${schedule.logicalId}: the local scheduler cannot fire ${referenced.resource.Type}`);
        }
      };
      return [
        { name: schedule.logicalId, expression: String(properties.ScheduleExpression), timezone: String(properties.ScheduleExpressionTimezone ?? 'UTC'), fire },
      ];
    });
  }
}
