/**
 * The reply-routing look-up (HTTP_FUNCTIONS.replyRouting in lib/topology.ts): a Lambda function URL a Genesys Web
 * Services data action calls from the inbound message flow, with its own log group and role, a generated key in
 * Secrets Manager that the data action presents, and reserved concurrency as its throttle. On by default; the prop
 * `replyRouting: false` leaves all of it out.
 */
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib'
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import { HTTP_FUNCTIONS, TABLES } from '#lib/topology.ts'
import { logDataProtectionPolicy } from './log-data-protection.ts'
import { functionCode } from './queue-fed-function.ts'

export interface ReplyRoutingProps {
  readonly codeRoot: string
  /** Variables of the function's config (lib/config.ts replyRoutingConfigSchema), less the secret's ARN. */
  readonly environment: Record<string, string>
  readonly stateTable: dynamodb.ITable
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
  /** The key, kept with the data (ProactiveMessagingData); absent: created here. */
  readonly secret?: secretsmanager.ISecret
}

/** The key the data action presents: generated at deploy, stateful (the Genesys integration holds a copy). */
export function replyRoutingKey(scope: Construct, id: string, removalPolicy: RemovalPolicy): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: 'The key the Genesys data action presents to the reply-routing look-up (Basic Auth password or X-Reply-Routing-Key header)',
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy,
  })
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The same key is configured in the Genesys data-action integration credentials, which a rotation Lambda cannot update without a Genesys OAuth client allowed to edit integrations; operators rotate it by hand (docs/operations.md, Reply routing).',
  })
  return secret
}

export class ReplyRouting extends Construct {
  readonly function: lambda.Function
  readonly url: lambda.FunctionUrl
  /** The key the data action presents (Basic Auth password, or the X-Reply-Routing-Key header). */
  readonly secret: secretsmanager.ISecret
  readonly logGroup: logs.LogGroup
  readonly role: iam.Role

  constructor(scope: Construct, id: string, props: ReplyRoutingProps) {
    super(scope, id)
    const settings = HTTP_FUNCTIONS.replyRouting
    this.secret = props.secret ?? replyRoutingKey(this, 'Key', props.removalPolicy)
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy, dataProtectionPolicy: logDataProtectionPolicy(this) })
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }))
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': TABLES.state.keyPrefixes.replyRouting.read.map((prefix) => `${prefix}#*`) } },
      }),
    )
    this.secret.grantRead(this.role)

    this.function = functionCode(
      this,
      { stage: 'reply-routing', entry: settings.entry, codeRoot: props.codeRoot },
      {
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: settings.functionMemoryMb,
        timeout: Duration.seconds(settings.functionTimeoutSeconds),
        reservedConcurrentExecutions: settings.reservedConcurrency,
        tracing: lambda.Tracing.DISABLED,
        logGroup: this.logGroup,
        role: this.role,
        environment: { ...props.environment, REPLY_ROUTING_SECRET_ARN: this.secret.secretArn },
      },
    )
    // A Genesys data action can present Basic Auth or its own headers, not AWS SigV4: the function checks the key.
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE })

    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously through its function URL only; the caller (the Genesys data action) gets the error and the flow falls through to ordinary routing.',
    })
    for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      Validations.of(this.function).acknowledge({ id, reason: 'nodejs22.x is the runtime this project targets and tests (middy 6, Powertools 2); nodejs24.x is adopted deliberately, not by default.' })
    }
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason: 'Tracing is off on purpose, as for the pipeline functions: each look-up logs its outcome (found, not found, unauthorized, invalid) and counts it (docs/operations.md, Tracing).',
    })
  }
}
