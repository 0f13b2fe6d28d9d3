import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { type SdkClient, type SdkClients, integrationErrorName, parseIntegrationResource, sdkIntegrationHandler } from '../../../infra/local/step-functions';

// Unit tests of the resource and error-name mapping only: a recording `send` stands in for the
// client. The round trip against DynamoDB Local belongs to the runtime's integration tests.
function recordingClient(answer: (command: object) => unknown): SdkClient & { sent: object[] } {
  const sent: object[] = [];
  return {
    sent,
    send: async (command) => {
      sent.push(command);
      return answer(command);
    },
  };
}

const context = { stateName: 'S', stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m' };
const taskContext = { ...context, resource: '', executionArn: 'e', executionName: 'n', signal: new AbortController().signal };

describe('service integration resources', () => {
  it('reads aws-sdk and optimized resources and their patterns', () => {
    // Prepare / Act
    const sdk = parseIntegrationResource('arn:aws:states:::aws-sdk:dynamodb:query');
    const optimized = parseIntegrationResource('arn:aws:states:::dynamodb:putItem');
    const callback = parseIntegrationResource('arn:aws:states:::sqs:sendMessage.waitForTaskToken');

    // Assess
    expect(sdk).toMatchObject({ kind: 'aws-sdk', service: 'dynamodb', action: 'query', errorPrefix: 'DynamoDb' });
    expect(optimized).toMatchObject({ kind: 'optimized', service: 'dynamodb', action: 'putItem', errorPrefix: 'DynamoDB' });
    expect(callback).toMatchObject({ service: 'sqs', pattern: 'waitForTaskToken', errorPrefix: 'SQS' });
    expect(parseIntegrationResource('arn:aws:lambda:us-east-1:000000000000:function:f')).toBeUndefined();
    expect(parseIntegrationResource('arn:aws:states:::dynamodb:query')).toBeUndefined();
  });

  it('refuses the .sync pattern with a clear error', () => {
    expect(() => parseIntegrationResource('arn:aws:states:::states:startExecution.sync:2')).toThrow(
      expect.objectContaining({ name: 'UnsupportedIntegration' }),
    );
  });

  it('always suffixes integration error names with Exception', () => {
    expect(integrationErrorName('StepFunctions', 'ExecutionAlreadyExists')).toBe('StepFunctions.ExecutionAlreadyExistsException');
    expect(integrationErrorName('DynamoDb', 'ConditionalCheckFailedException')).toBe('DynamoDb.ConditionalCheckFailedException');
  });
});

describe('sdkIntegrationHandler', () => {
  it('accepts the real SDK v3 clients', () => {
    const clients: SdkClients = { dynamodb: new DynamoDBClient({ region: 'us-east-1' }) };
    expect(sdkIntegrationHandler(clients)('arn:aws:states:::dynamodb:getItem', context)).toBeTypeOf('function');
  });

  it('sends the Parameters as the command input and drops $metadata from the answer', async () => {
    // Prepare
    const dynamodb = recordingClient(() => ({ Item: { pk: { S: 'u#1' } }, $metadata: { httpStatusCode: 200 } }));
    const handler = sdkIntegrationHandler({ dynamodb })('arn:aws:states:::dynamodb:getItem', context)!;
    const parameters = { TableName: 'rekindle', Key: { pk: { S: 'u#1' } } };

    // Act
    const output = await handler(parameters, taskContext);

    // Assess
    expect(dynamodb.sent[0]?.constructor.name).toBe('GetItemCommand');
    expect(dynamodb.sent[0]).toMatchObject({ input: parameters });
    expect(output).toEqual({ Item: { pk: { S: 'u#1' } } });
  });

  it('names a conditional check failure DynamoDB.* for optimized and DynamoDb.* for aws-sdk integrations', async () => {
    // Prepare
    const failure = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    const dynamodb = recordingClient(() => {
      throw failure;
    });
    const resolve = sdkIntegrationHandler({ dynamodb });

    // Act
    const optimized = resolve('arn:aws:states:::dynamodb:putItem', context)!({}, taskContext);
    const sdk = resolve('arn:aws:states:::aws-sdk:dynamodb:transactWriteItems', context)!({}, taskContext);

    // Assess
    await expect(optimized).rejects.toMatchObject({ name: 'DynamoDB.ConditionalCheckFailedException', message: 'The conditional request failed' });
    await expect(sdk).rejects.toMatchObject({ name: 'DynamoDb.ConditionalCheckFailedException' });
  });

  it('names a nested start of an existing execution StepFunctions.ExecutionAlreadyExistsException', async () => {
    // Prepare
    const sfn = recordingClient(() => {
      throw new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });
    });

    // Act
    const start = sdkIntegrationHandler({ sfn })('arn:aws:states:::states:startExecution', context)!({}, taskContext);

    // Assess
    await expect(start).rejects.toMatchObject({ name: 'StepFunctions.ExecutionAlreadyExistsException' });
  });

  it('calls a failure that never reached the service SdkClientException', async () => {
    // Prepare
    const sqs = recordingClient(() => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9324');
    });

    // Act
    const send = sdkIntegrationHandler({ sqs })('arn:aws:states:::aws-sdk:sqs:sendMessage', context)!({}, taskContext);

    // Assess
    await expect(send).rejects.toMatchObject({ name: 'Sqs.SdkClientException' });
  });

  it('refuses a service it was given no client for, and leaves other resources to other resolvers', () => {
    const resolve = sdkIntegrationHandler({});
    expect(() => resolve('arn:aws:states:::sns:publish', context)).toThrow(expect.objectContaining({ name: 'UnsupportedIntegration' }));
    expect(resolve('arn:aws:lambda:us-east-1:000000000000:function:f', context)).toBeUndefined();
  });
});
