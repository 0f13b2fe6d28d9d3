import { App, Aspects, type Stack } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { ApiStack } from './stacks/api-stack';
import { ConsoleStack } from './stacks/console-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { RekindleSettings, SETTINGS_CONTEXT_KEY } from './settings';
import { applyNagSuppressions } from './nag-suppressions';

/**
 * CDK feature flags, set here rather than in cdk.json so the in-process synth of the local runtime
 * and tests sees exactly what `cdk deploy` sees.
 */
const FEATURE_FLAGS = {
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
} as const;

export interface RekindleApp {
  app: App;
  /** The stacks the local runtime runs too. */
  stacks: Stack[];
  /**
   * The marketer console's hosting in AWS (S3, CloudFront, Cognito client, the JWT console API);
   * locally the runtime's gateway serves the console itself, so the local runtime leaves it out.
   */
  console: ConsoleStack;
}

/**
 * Builds the whole system. `cdk deploy` synthesizes it, and the local runtime builds the very same
 * app in-process and runs what its templates declare: one definition, two runtimes.
 */
export function buildRekindleApp(options: { context?: Record<string, unknown>; bundle?: boolean; nag?: boolean } = {}): RekindleApp {
  const app = new App({
    context: {
      ...FEATURE_FLAGS,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...options.context,
    },
  });
  const settings = RekindleSettings.parse(app.node.tryGetContext(SETTINGS_CONTEXT_KEY) ?? {});
  const data = new StatefulStack(app, 'Rekindle-Data', { description: 'Rekindle: tables, keys and secrets (retained)' });
  const api = new ApiStack(app, 'Rekindle-Api', { description: 'Rekindle: HTTP API, ingestion and alarms', data, settings });
  const stacks = [data, api];
  const consoleStack = new ConsoleStack(app, 'Rekindle-Console', {
    description: 'Rekindle: the marketer console (S3 + CloudFront + Cognito)',
    data,
    api,
    settings,
  });
  applyNagSuppressions([...stacks, consoleStack]);
  if (options.nag !== false) Aspects.of(app).add(new cdkNag.AwsSolutionsChecks({ verbose: true }));
  return { app, stacks, console: consoleStack };
}
