import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { LOCAL_ENTRY_METADATA, REPO_ROOT } from './function-entry';

export { LOCAL_ENTRY_METADATA, REPO_ROOT };

export interface RekindleFunctionProps {
  /** Handler module, relative to the repository root, e.g. `functions/ingest-events/handler.ts`. */
  entry: string;
  description: string;
  memorySize?: number;
  timeout?: Duration;
  environment?: Record<string, string>;
}

export type TableAccess = 'read' | 'write' | 'readWrite';

/**
 * A Lambda function as every Rekindle function is: Node 22 on arm64, bundled by local esbuild (no
 * Docker), ESM, Powertools configured, its own log group with a retention, X-Ray tracing. It records
 * its source entry as metadata so the local runtime runs the same handler in-process.
 */
export class RekindleFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: RekindleFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'rekindle',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        forceDockerBundling: false,
        // ESM bundles need a require shim for the CommonJS parts of the SDK.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(LOCAL_ENTRY_METADATA, props.entry);
  }

  /** Gives the function a table: sets the variable that names it and grants exactly this access. */
  useTable(table: dynamodb.ITable, variable: string, access: TableAccess): this {
    this.addEnvironment(variable, table.tableName);
    switch (access) {
      case 'read':
        table.grantReadData(this);
        break;
      case 'write':
        table.grantWriteData(this);
        break;
      case 'readWrite':
        table.grantReadWriteData(this);
        break;
    }
    return this;
  }

  /** The stack-unique logical id, which the local runtime uses as the function's name. */
  get logicalId(): string {
    return Stack.of(this).getLogicalId(this.node.defaultChild as lambda.CfnFunction);
  }
}
