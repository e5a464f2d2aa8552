/**
 * Least privilege, checked against the code. For each function, the AWS calls its code can make are read from
 * the source (every `new XxxCommand(` in the files its entry imports, followed through the import graph), and
 * the resources it may touch from its environment (the table, bus, queue and secret it is configured with).
 * The synthesised role must grant exactly that, plus the runtime's own needs (its log group, its SQS
 * event source): any broader grant (an unused action, another resource) fails, and so does a missing one.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { CODE_ROOT } from '../../cdk/proactive-messaging.ts'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { FUNCTIONS } from '#lib/topology.ts'
import { asArray, functionByPrefix, logicalIdOf, ofType, testApp, type CfnResource } from './template-helpers.ts'

type FunctionKey = keyof typeof FUNCTIONS

const FUNCTION_PREFIX: Record<FunctionKey, string> = {
  sessionRecorder: 'ProactiveMessagingSessionRecorderFunction',
  presence: 'ProactiveMessagingPresenceFunction',
  send: 'ProactiveMessagingSendFunction',
  track: 'ProactiveMessagingTrackFunction',
}

// ------------------------------------------------------------------ what the code calls

/** SDK command → IAM actions. A command missing here fails the test: say what it needs. */
const COMMAND_ACTIONS: Record<string, string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  GetItemCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  PutItemCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  UpdateItemCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  DeleteItemCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactGetCommand: ['dynamodb:GetItem'],
  TransactWriteCommand: ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  SendMessageCommand: ['sqs:SendMessage'],
  SendMessageBatchCommand: ['sqs:SendMessage'],
  ChangeMessageVisibilityCommand: ['sqs:ChangeMessageVisibility'],
  ChangeMessageVisibilityBatchCommand: ['sqs:ChangeMessageVisibility'],
  PutEventsCommand: ['events:PutEvents'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g

/** package.json#imports: `#lib/*` → `./lib/*`, … */
const ALIASES = Object.entries((JSON.parse(readFileSync(join(CODE_ROOT, 'package.json'), 'utf8')) as { imports?: Record<string, string> }).imports ?? {})

/** The file a relative or `#alias/` specifier names, or undefined for a package. */
function localModule(importer: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return resolve(dirname(importer), specifier)
  for (const [pattern, target] of ALIASES) {
    const prefix = pattern.replace(/\*$/, '')
    if (specifier.startsWith(prefix)) return join(CODE_ROOT, target.replace(/\*$/, '') + specifier.slice(prefix.length))
  }
  return undefined
}

/** Every local module the entry loads (static and dynamic imports, not `import type`). */
function moduleGraph(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? ''
      const local = localModule(file, specifier)
      if (local) visit(local)
    }
  }
  visit(join(CODE_ROOT, entry))
  return [...seen]
}

function actionsUsedBy(key: FunctionKey): Set<string> {
  const actions = new Set<string>()
  for (const file of moduleGraph(FUNCTIONS[key].entry)) {
    const text = readFileSync(file, 'utf8')
    for (const [, command] of text.matchAll(/new\s+(\w+Command)\s*\(/g)) {
      const mapped = COMMAND_ACTIONS[command!]
      if (!mapped) throw new Error(`${file} sends ${command}: add it to COMMAND_ACTIONS with the IAM actions it needs`)
      for (const action of mapped) actions.add(action)
    }
  }
  return actions
}

// ------------------------------------------------------------------ what the template grants

let template: Template

beforeAll(() => {
  const app = testApp()
  const stack = new ProactiveMessagingStack(app, 'LeastPrivilege', {
    settings: { genesysOrgId: 'a1b2c3d4-0000-4000-8000-000000000001', eventSourceSuffix: 'pm-test' },
  })
  template = Template.fromStack(stack)
})

/** A resource as `logicalId[/suffix]`, or `*`. */
function resourceKey(value: unknown): string {
  if (value === '*') return '*'
  const id = logicalIdOf(value)
  if (id) return id
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join']
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : (logicalIdOf(part) ?? JSON.stringify(part)))).join('')
  return JSON.stringify(value)
}

interface FunctionFacts {
  readonly fn: CfnResource
  readonly roleId: string
  readonly queueId: string
  readonly logGroupId: string
  /** Logical id of the resource an environment variable names. */
  env(name: string): string | undefined
}

function factsOf(key: FunctionKey): FunctionFacts {
  const [functionId, fn] = functionByPrefix(template, FUNCTION_PREFIX[key])
  const [, esm] = ofType(template, 'AWS::Lambda::EventSourceMapping').find(([, r]) => r.Properties.FunctionName.Ref === functionId)!
  const variables = fn.Properties.Environment.Variables as Record<string, unknown>
  return {
    fn,
    roleId: logicalIdOf(fn.Properties.Role)!,
    queueId: logicalIdOf(esm.Properties.EventSourceArn)!,
    logGroupId: logicalIdOf(fn.Properties.LoggingConfig.LogGroup)!,
    env: (name) => (variables[name] === undefined ? undefined : logicalIdOf(variables[name])),
  }
}

function grantsOf(roleId: string): Set<string> {
  const grants = new Set<string>()
  const statements = [
    ...ofType(template, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((role) => logicalIdOf(role) === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]),
    ...((template.toJSON().Resources[roleId].Properties.Policies ?? []) as any[]).flatMap((p) => p.PolicyDocument.Statement as any[]),
  ]
  for (const statement of statements) {
    expect(statement.Effect).toBe('Allow')
    expect(statement.NotAction ?? statement.NotResource).toBeUndefined()
    for (const action of asArray<string>(statement.Action)) for (const resource of asArray<unknown>(statement.Resource)) grants.add(`${action} ${resourceKey(resource)}`)
  }
  return grants
}

const SQS_EVENT_SOURCE = ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']

/** Everything the function needs: the runtime's own grants plus, for each action its code uses, the configured resources. */
function needsOf(key: FunctionKey, facts: FunctionFacts): { allowed: Set<string>; required: Set<string> } {
  const allowed = new Set<string>()
  const required = new Set<string>()
  const need = (action: string, resource: string) => {
    allowed.add(`${action} ${resource}`)
    required.add(`${action} ${resource}`)
  }
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) need(action, facts.logGroupId)
  for (const action of SQS_EVENT_SOURCE) need(action, facts.queueId)

  const tables = ['SESSIONS_TABLE_NAME', 'STATE_TABLE_NAME'].map(facts.env).filter((id): id is string => id !== undefined)
  const indexes = (tableId: string) => {
    const table = template.toJSON().Resources[tableId]
    return ((table.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]).map((index) => `${tableId}/index/${index.IndexName}`)
  }
  for (const action of actionsUsedBy(key)) {
    const [service] = action.split(':')
    switch (service) {
      case 'dynamodb':
        // Used somewhere in the function, on one of the tables it is configured with: allowed on each, required on one.
        for (const table of tables) {
          allowed.add(`${action} ${table}`)
          if (action === 'dynamodb:Query') for (const index of indexes(table)) allowed.add(`${action} ${index}`)
        }
        break
      case 'events':
        need(action, facts.env('APP_EVENT_BUS_NAME')!)
        break
      case 'secretsmanager':
        need(action, facts.env('GENESYS_SECRET_ARN')!)
        break
      case 'sqs':
        // Every queue the function is configured to write to: the send DLQ, the track queue (look-up jobs), the
        // send queue (a request sent again).
        if (action === 'sqs:SendMessage') for (const variable of ['SEND_DLQ_URL', 'TRACK_QUEUE_URL', 'SEND_QUEUE_URL']) if (facts.env(variable)) need(action, facts.env(variable)!)
        break
      default:
        throw new Error(`no resource rule for ${action}`)
    }
  }
  return { allowed, required }
}

describe.each(Object.keys(FUNCTIONS) as FunctionKey[])('the %s role', (key) => {
  it('grants nothing its code does not use, on nothing it is not configured with', () => {
    const facts = factsOf(key)
    const granted = grantsOf(facts.roleId)
    const { allowed } = needsOf(key, facts)
    const broader = [...granted].filter((grant) => !allowed.has(grant)).sort()
    expect(broader, `grants broader than ${key} needs (action logicalId)`).toEqual([])
  })

  it('grants everything its code uses', () => {
    const facts = factsOf(key)
    const granted = grantsOf(facts.roleId)
    const { required } = needsOf(key, facts)
    expect([...required].filter((grant) => !granted.has(grant)).sort()).toEqual([])
    // DynamoDB actions are read per module, not per call site (the sessions adapter also holds presence's
    // queries), so they bound the grant from above; that a function has each item action it calls is shown by
    // it working at all, and by the per-table expectations below.
  })
})

/** The item-level actions each function calls on each table, read from the use cases (a floor for the grants). */
const TABLE_CALLS: Record<FunctionKey, Record<string, string[]>> = {
  sessionRecorder: { SESSIONS_TABLE_NAME: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  presence: { STATE_TABLE_NAME: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  // Send reads the recorded session by conversation id (unknown-session) and nothing else there by item.
  send: { STATE_TABLE_NAME: ['dynamodb:GetItem', 'dynamodb:PutItem'], SESSIONS_TABLE_NAME: ['dynamodb:GetItem'] },
  // track reads and conditionally updates the delivery ledger, and claims the shared pace counter.
  track: { STATE_TABLE_NAME: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
}

it.each(Object.keys(TABLE_CALLS) as FunctionKey[])('the %s role can make the item calls its use case makes', (key) => {
  const facts = factsOf(key)
  const granted = grantsOf(facts.roleId)
  for (const [variable, actions] of Object.entries(TABLE_CALLS[key])) {
    for (const action of actions) expect(granted.has(`${action} ${facts.env(variable)}`), `${key}: ${action} on ${variable}`).toBe(true)
  }
  if (key === 'send') {
    // Read-only on the sessions table: send never writes a session, so a compromised send cannot forge one.
    const sessions = facts.env('SESSIONS_TABLE_NAME')!
    const writes = [...granted].filter((grant) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem) /.test(grant) && grant.includes(sessions))
    expect(writes).toEqual([])
  }
  if (key === 'presence') {
    const sessions = facts.env('SESSIONS_TABLE_NAME')!
    expect([...granted].filter((grant) => grant.startsWith(`dynamodb:Query ${sessions}/index/`)).length).toBeGreaterThan(0)
  }
})

it('reads the AWS calls from the code (the send function uses the DLQ, the bus and the secret)', () => {
  expect([...actionsUsedBy('send')]).toEqual(expect.arrayContaining(['sqs:SendMessage', 'events:PutEvents', 'secretsmanager:GetSecretValue', 'dynamodb:GetItem']))
  // The session recorder also marks replies on sent-message records and announces them on the app bus.
  expect([...actionsUsedBy('sessionRecorder')].sort()).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'events:PutEvents']))
  expect(actionsUsedBy('sessionRecorder').has('sqs:SendMessage')).toBe(false)
})
