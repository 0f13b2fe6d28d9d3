import { LOCAL_REGION } from './local-aws';
import type { SynthesizedApp } from './template';
import type { TemplateValues } from './template-values';

export interface ProcessEnvironmentSources {
  app: SynthesizedApp;
  values: TemplateValues;
  endpoints: { dynamodb: string; ses: string; snsSqs: string; stepFunctions: string; eventBridge: string };
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** The SDK credentials of every handler (fake; DynamoDB Local's access key selects the runtime's database). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  unsubscribeSigningKey: string;
}

/**
 * The environment the handlers read: every function's variables, resolved against local names
 * (one process holds them all, so two functions must not disagree on a name), the SDK endpoints of
 * the local services and emulators, and the Powertools settings.
 */
export function configureProcessEnvironment(sources: ProcessEnvironmentSources): void {
  const merged: Record<string, string> = {};
  for (const fn of sources.app.functions()) {
    const variables = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    for (const [name, raw] of Object.entries(variables)) {
      const value = sources.values.resolve(fn.stackName, raw);
      if (name in merged && merged[name] !== value) {
        throw new Error(`functions disagree on ${name} (${merged[name]} vs ${value}); the local runtime runs them in one process`);
      }
      merged[name] = value;
    }
  }
  const { endpoints } = sources;
  Object.assign(process.env, merged, {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // One key for every local service: the emulators ignore it, DynamoDB Local may keep a database per key.
    AWS_ACCESS_KEY_ID: sources.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sources.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SNS: endpoints.snsSqs,
    AWS_ENDPOINT_URL_SQS: endpoints.snsSqs,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge,
    POWERTOOLS_LOG_LEVEL: sources.logLevel,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: 'true',
    REKINDLE_LOCAL: 'true',
    // In AWS the signing key comes from Secrets Manager; locally from the data folder's credentials.
    REKINDLE_UNSUBSCRIBE_SIGNING_KEY: sources.unsubscribeSigningKey,
  });
  delete process.env.AWS_PROFILE;
}
