/**
 * One pipeline stage: an SQS queue with its own DLQ (StageQueues, data), drained by a Lambda function through an
 * event source mapping that reports partial batch failures (QueueFedFunction, compute). Settings come from
 * STAGES in lib/topology.ts.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { DLQ_RETENTION_SECONDS, STAGES, type StageName } from '#lib/topology.ts'
import { logDataProtectionPolicy } from './log-data-protection.ts'

/**
 * ESM with a `require` shim, AWS SDK bundled. The shim is needed because CJS dependencies (the Genesys SDK) call
 * `require('os' | 'fs' | 'util')`; without it the bundle fails with `Dynamic require of "util" is not supported`.
 */
export const BUNDLING = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
  externalModules: [] as string[],
} as const

/** Where `npm run build` puts each function's bundle, relative to the package root: dist/functions/<name>/index.mjs. */
export function prebuiltCodeDir(entry: string): string {
  return join(PREBUILT_ROOT, dirname(entry))
}
export const PREBUILT_ROOT = 'dist'
export const PREBUILT_FILE = 'index.mjs'

/**
 * The sources when they are there (a clone: bundled now, so what deploys is what is checked out, never an older
 * build), else the prebuilt bundle the package ships (an installed package needs neither esbuild nor a lock file).
 */
export function functionCode(
  scope: Construct,
  props: { readonly stage: string; readonly entry: string; readonly codeRoot: string },
  common: Omit<lambda.FunctionProps, 'code' | 'handler'>,
): lambda.Function {
  const source = join(props.codeRoot, props.entry)
  if (existsSync(source)) {
    const lockFile = join(props.codeRoot, 'package-lock.json')
    return new NodejsFunction(scope, 'Function', {
      ...common,
      entry: source,
      projectRoot: props.codeRoot,
      depsLockFilePath: existsSync(lockFile) ? lockFile : undefined,
      bundling: { ...BUNDLING, mainFields: [...BUNDLING.mainFields], externalModules: [...BUNDLING.externalModules] },
    })
  }
  const prebuilt = join(props.codeRoot, prebuiltCodeDir(props.entry))
  if (!existsSync(join(prebuilt, PREBUILT_FILE))) {
    throw new Error(`The ${props.stage} function has neither its source (${source}) nor its prebuilt bundle (${join(prebuilt, PREBUILT_FILE)}): run \`npm run build\` before \`npm pack\``)
  }
  return new lambda.Function(scope, 'Function', { ...common, code: lambda.Code.fromAsset(prebuilt), handler: 'index.handler' })
}

/**
 * An encrypted, TLS-only queue that keeps messages as long as SQS allows: the end of a retry path.
 * `feeder` says who writes to it: an SQS redrive policy, or EventBridge / a function directly.
 */
export function deadLetterQueue(scope: Construct, id: string, why: string, feeder: 'redrive' | 'direct'): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
  })
  if (feeder === 'direct') {
    // cdk-nag recognises a DLQ only through another queue's redrive policy.
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself a dead-letter queue (${why}).` })
  }
  Validations.of(queue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: `This queue is itself a dead-letter queue (${why}); operators redrive it with StartMessageMoveTask.`,
  })
  return queue
}

export interface StageQueuesProps {
  readonly stage: StageName
  /** A DLQ created beforehand (the send DLQ keeps its own construct id); by default one is created. */
  readonly deadLetterQueue?: sqs.Queue
}

/** A stage's queue and its dead-letter queue (settings from STAGES): part of the pipeline's data. */
export class StageQueues extends Construct {
  readonly queue: sqs.Queue
  readonly deadLetterQueue: sqs.Queue

  constructor(scope: Construct, id: string, props: StageQueuesProps) {
    super(scope, id)
    const stage = STAGES[props.stage]
    this.deadLetterQueue = props.deadLetterQueue ?? deadLetterQueue(this, 'DeadLetterQueue', `receives ${props.stage} messages after ${stage.maxReceiveCount} receives`, 'redrive')
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(stage.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(stage.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: stage.maxReceiveCount },
    })
  }
}

export interface QueueFedFunctionProps {
  readonly stage: StageName
  /** Entry file, relative to `codeRoot` (FUNCTIONS[...].entry). */
  readonly entry: string
  /**
   * The package root: package.json, and either the sources (a clone: the entry is bundled with esbuild, using
   * package-lock.json) or the prebuilt bundle of the entry (an installed package, `prebuiltCodeDir`).
   */
  readonly codeRoot: string
  readonly environment: Record<string, string>
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
  /** The queue the function drains and the queue's dead-letter queue (StageQueues, or imported). */
  readonly queues: { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue }
  /** Overrides the stage's event-source maximum concurrency (the send stage derives it from the budget). */
  readonly maxConcurrency?: number
}

/** One stage's compute: the function with its log group, role and SQS event source on the stage's queue. */
export class QueueFedFunction extends Construct {
  readonly queue: sqs.IQueue
  readonly deadLetterQueue: sqs.IQueue
  /** A NodejsFunction bundled at synth from a clone, a Function on the prebuilt bundle from an installed package. */
  readonly function: lambda.Function
  readonly logGroup: logs.LogGroup
  readonly role: iam.Role
  readonly eventSource: SqsEventSource

  constructor(scope: Construct, id: string, props: QueueFedFunctionProps) {
    super(scope, id)
    const stage = STAGES[props.stage]
    this.queue = props.queues.queue
    this.deadLetterQueue = props.queues.deadLetterQueue

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      dataProtectionPolicy: logDataProtectionPolicy(this),
    })
    // An own role instead of the default one: no AWSLambdaBasicExecutionRole, logs only to this log group.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }))

    const common = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: stage.functionMemoryMb,
      timeout: Duration.seconds(stage.functionTimeoutSeconds),
      // Off on purpose (docs/operations.md, Tracing): logs and outcome events already follow a message by its ids.
      tracing: lambda.Tracing.DISABLED,
      logGroup: this.logGroup,
      role: this.role,
      environment: props.environment,
    }
    this.function = functionCode(this, props, common)

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: stage.batchSize,
      maxBatchingWindow: stage.maxBatchingWindowSeconds > 0 ? Duration.seconds(stage.maxBatchingWindowSeconds) : undefined,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency ?? stage.maxConcurrency,
    })
    this.function.addEventSource(this.eventSource)

    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked only by its SQS event source mapping, never asynchronously; failed records return to the queue and its redrive policy moves them to the stage DLQ.',
    })
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'SQS event source mappings do not support on-failure destinations; the source queue redrives to its own DLQ after maxReceiveCount receives.',
    })
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime this project targets and tests (middy 6, Powertools 2); nodejs24.x is adopted deliberately, not by default.',
    })
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaLatestVersion',
      reason: 'nodejs22.x is the runtime this project targets and tests (middy 6, Powertools 2); nodejs24.x is adopted deliberately, not by default.',
    })
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'Tracing is off on purpose: a message is followed through its eventId, dedupeKey and outcome events in the logs; uninstrumented X-Ray recorded only invocation segments (docs/operations.md, Tracing).',
    })
  }
}
