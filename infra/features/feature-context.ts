import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StatefulStack } from '../stacks/stateful-stack';
import type { RekindleSettings } from '../settings';

/**
 * Who may call a route: event producers (the ingest key), marketers (IAM; a token locally), or
 * anyone (`public`: the request carries its own proof, e.g. a signed unsubscribe token).
 */
export type RouteAudience = 'producer' | 'marketer' | 'public';

/**
 * What every feature construct receives from the stateless stack: the data stack, settings, and
 * helpers to add an HTTP route and an alarm. Features never create their own API or alarm topic.
 */
export interface FeatureContext {
  data: StatefulStack;
  settings: RekindleSettings;
  api: apigw.HttpApi;
  addRoute(method: apigw.HttpMethod, path: string, fn: lambda.IFunction, audience: RouteAudience): void;
  /** Alarms when the function reports any error in 5 minutes. */
  alarmOnErrors(fn: lambda.Function): void;
  /** Alarms when a queue (a dead-letter queue, typically) holds any message. */
  alarmOnMessages(queue: { metricApproximateNumberOfMessagesVisible(): import('aws-cdk-lib/aws-cloudwatch').Metric }, description: string): void;
}
