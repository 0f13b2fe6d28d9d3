import type { Stack } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';

// cdk-nag is CommonJS built by jsii; its named exports are not visible to ESM importers.
const { NagSuppressions } = cdkNag;

/** Every cdk-nag finding we accept, each with its reason. Anything else fails the infra tests. */
export function applyNagSuppressions(stacks: Stack[]): void {
  for (const stack of stacks) {
    NagSuppressions.addStackSuppressions(stack, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'AWSLambdaBasicExecutionRole only lets a function write its own CloudWatch logs; a hand-written copy would be the same policy.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'Functions are pinned to nodejs22.x, the major the local toolchain runs (package.json node dev dependency); upgraded together.',
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "Resource::* only where the action takes no narrower resource: X-Ray segments (xray:PutTraceSegments/PutTelemetryRecords: Lambda and Step Functions record their own invocation segments under active tracing), sns:Publish of an SMS to a phone number (SMS has no topic ARN), dynamodb:ListStreams (stream event sources), the state machines' log delivery (logs:*LogDelivery, DescribeLogGroups, PutResourcePolicy), and states:DescribeStateMachine/ListActivities that CDK grants beside DescribeExecution. The kms:GenerateDataKey* and kms:ReEncrypt* action families are what CDK grants for the data key and are scoped to that one key ARN.",
        appliesTo: ['Resource::*', 'Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'A table grant covers its indexes as <table ARN>/index/*; the users table has exactly three, all sparse (the check-in WakeIndex and the messaging SendingIndex, keys only; the journeys AudienceIndex, SCORE items with the score attributes audiences judge, no personal data), and DynamoDB grants cannot name an index without listing each by hand.',
        appliesTo: [{ regex: '/^Resource::.*UsersTable.*\\/index\\/\\*$/g' }],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'EventBridge Scheduler may invoke the in-doubt reconciliation sweep, the journeys audience summary, the experiments rollout evaluation and their versions (<function ARN>:*), which is what the CDK LambdaInvoke target grants; the check-in state machine may invoke every version of its two task functions, the grant CDK writes for a Lambda task; nothing else.',
        appliesTo: [
          {
            regex:
              '/^Resource::<(LoyaltyLoyaltyCheckin(Shard|Summary)|MessagingReconcileSweep|JourneysJourneyAudienceSummary|ExperimentsExperimentsRollout)[A-Z0-9]+\\.Arn>:\\*$/g',
          },
        ],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Recall journeys: StopExecution is granted on the executions of the one recall-journey state machine (one execution per user, names unknown at deploy time); the state machine may invoke every version of its CheckExitAndSend function (<function arn>:*), the grant CDK writes for a Lambda task.',
        appliesTo: [
          { regex: '/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*JourneysRecallJourneyStateMachine.*:\\*$/g' },
          { regex: '/^Resource::<JourneysJourneyCheckExitAndSend[A-Z0-9]+\\.Arn>:\\*$/g' },
        ],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Nightly scoring: GetRun describes executions of the one scoring state machine (one per day, names known only at run time); the state machine may invoke every version of its three task functions (<function arn>:*), the grant CDK writes for a Lambda task.',
        appliesTo: [
          { regex: '/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*ScoringNightlyScoringStateMachine.*:\\*$/g' },
          { regex: '/^Resource::<ScoringScoring(PrepareRun|ScoreSegment|SummarizeRun)[A-Z0-9]+\\.Arn>:\\*$/g' },
        ],
      },
      {
        id: 'AwsSolutions-SQS3',
        reason: 'These queues are dead-letter destinations themselves (Lambda on-failure destinations); a DLQ of a DLQ only hides failures.',
      },
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The ingest key is an API key held by event producers, not a database credential Secrets Manager can rotate; it is rotated by replacing the value and redeploying producers.',
      },
    ]);
  }
}
