/**
 * Data apart from compute: the data construct holds every stateful resource and no function; the compute
 * construct holds the functions, rules and alarms and no stored state, so each can be deployed as its own stack.
 * Existing tables and an existing app bus can be passed in. The single construct holds its data as its `Data` child.
 */
import { Stack } from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import * as events from 'aws-cdk-lib/aws-events'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { ProactiveMessagingCompute } from '../../cdk/pipeline-compute.ts'
import { ProactiveMessagingData } from '../../cdk/pipeline-data.ts'
import { ProactiveMessaging } from '../../cdk/proactive-messaging.ts'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { asArray, functionByPrefix, identityStatements, ofType, resources, testApp } from './template-helpers.ts'

const ORG_ID = 'b2c3d4e5-0000-4000-8000-000000000002'
const STATEFUL = ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::Events::EventBus', 'AWS::Events::Archive', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret']
const COMPUTE = ['AWS::Lambda::Function', 'AWS::Lambda::EventSourceMapping', 'AWS::Events::Rule', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard']
const typesOf = (template: Template) => new Set(Object.values(resources(template)).map((r) => r.Type))

describe('data and compute in two stacks', () => {
  const app = testApp()
  const dataStack = new Stack(app, 'PmData')
  const computeStack = new Stack(app, 'PmCompute')
  const settings = { genesysOrgId: ORG_ID, budgetPerMinute: 600 }
  const data = new ProactiveMessagingData(dataStack, 'Data', { ...settings, separateComputeStack: true })
  new ProactiveMessagingCompute(computeStack, 'Compute', { ...settings, data })
  const dataTemplate = Template.fromStack(dataStack)
  const computeTemplate = Template.fromStack(computeStack)

  it('puts every table, bus, archive, queue and the secret in the data stack, and no function, rule or alarm', () => {
    const types = typesOf(dataTemplate)
    for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::Events::EventBus', 'AWS::Events::Archive', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret']) expect(types, type).toContain(type)
    for (const type of COMPUTE) expect(types, type).not.toContain(type)
    // 3 stage queues, 3 stage DLQs, 3 rule DLQs.
    expect(ofType(dataTemplate, 'AWS::SQS::Queue')).toHaveLength(11)
  })

  it('puts the functions, rules and alarms in the compute stack, and nothing that stores state', () => {
    const types = typesOf(computeTemplate)
    for (const type of COMPUTE) expect(types, type).toContain(type)
    for (const type of STATEFUL) expect(types, type).not.toContain(type)
  })

  it('wires the compute to the data stack through its exports', () => {
    const env = functionByPrefix(computeTemplate, 'ComputeSendFunction')[1].Properties.Environment.Variables
    expect(JSON.stringify(env.STATE_TABLE_NAME)).toContain('Fn::ImportValue')
    expect(JSON.stringify(env.SEND_DLQ_URL)).toContain('Fn::ImportValue')
    expect(Object.keys(dataTemplate.toJSON().Outputs ?? {}).length).toBeGreaterThan(0)
  })

  it('lets rules on the pipeline buses in this account deliver to the queues (the compute stack cannot name its rules there)', () => {
    const statements = ofType(dataTemplate, 'AWS::SQS::QueuePolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[])
    const fromRules = statements.filter((s) => s.Principal?.Service === 'events.amazonaws.com')
    // 2 stage queues and 2 rule DLQs on the partner bus, the send queue and 1 rule DLQ on the app bus.
    expect(fromRules).toHaveLength(6)
    for (const s of fromRules) {
      expect(s.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' })
      expect(JSON.stringify(s.Condition.ArnLike['aws:SourceArn'])).toMatch(/:rule\/.*\/\*"/)
    }
  })

  it('refuses compute in another stack when the data does not let its rules deliver', () => {
    const other = testApp()
    const data = new ProactiveMessagingData(new Stack(other, 'D'), 'Data', settings)
    expect(() => new ProactiveMessagingCompute(new Stack(other, 'C'), 'Compute', { ...settings, data })).toThrow(/separateComputeStack: true/)
  })
})

describe('existing tables and app bus passed in', () => {
  const app = testApp()
  const stack = new Stack(app, 'PmExisting')
  const sessionsTable = dynamodb.TableV2.fromTableName(stack, 'Sessions', 'existing-sessions')
  const stateTable = dynamodb.TableV2.fromTableName(stack, 'State', 'existing-state')
  const appBus = events.EventBus.fromEventBusName(stack, 'AppBus', 'existing-app-bus')
  new ProactiveMessaging(stack, 'ProactiveMessaging', { genesysOrgId: ORG_ID, existing: { sessionsTable, stateTable, appBus } })
  const template = Template.fromStack(stack)
  const env = (prefix: string) => functionByPrefix(template, prefix)[1].Properties.Environment.Variables

  it('creates no table and only the partner bus', () => {
    expect(ofType(template, 'AWS::DynamoDB::GlobalTable')).toHaveLength(0)
    const buses = ofType(template, 'AWS::Events::EventBus')
    expect(buses).toHaveLength(1)
    expect(buses[0]![1].Properties.EventSourceName).toBeDefined()
  })

  it('points the functions at the existing tables and bus', () => {
    expect(env('ProactiveMessagingSessionRecorderFunction').SESSIONS_TABLE_NAME).toBe('existing-sessions')
    expect(env('ProactiveMessagingPresenceFunction')).toMatchObject({ SESSIONS_TABLE_NAME: 'existing-sessions', STATE_TABLE_NAME: 'existing-state', APP_EVENT_BUS_NAME: 'existing-app-bus' })
    expect(env('ProactiveMessagingSendFunction')).toMatchObject({ STATE_TABLE_NAME: 'existing-state', APP_EVENT_BUS_NAME: 'existing-app-bus' })
  })

  it('grants on the existing resources and routes requests from the existing bus', () => {
    const resourcesOf = (action: string) =>
      identityStatements(template)
        .filter((s) => asArray<string>(s.Action).includes(action))
        .map((s) => JSON.stringify(s.Resource))
    expect(resourcesOf('dynamodb:UpdateItem').every((r) => r.includes(':table/existing-state'))).toBe(true)
    expect(resourcesOf('events:PutEvents').every((r) => r.includes(':event-bus/existing-app-bus'))).toBe(true)
    const requestRule = ofType(template, 'AWS::Events::Rule').find(([id]) => id.startsWith('ProactiveMessagingMessageRequestedRule'))!
    expect(requestRule[1].Properties.EventBusName).toBe('existing-app-bus')
    expect(ofType(template, 'AWS::Events::Archive')[0]![1].Properties.SourceArn).toEqual(expect.objectContaining({ 'Fn::Join': expect.anything() }))
  })
})

describe('the single construct', () => {
  // Every stateful resource, by its construct path under ProactiveMessaging/Data (logical ids add a hash).
  const STATEFUL_RESOURCES = [
    'SessionsTable',
    'StateTable',
    'AppBus',
    'AppBusAppEventsArchive',
    'PartnerBus',
    'PartnerEventsArchive',
    'GenesysClient',
    'ReplyRoutingKey',
    'SendQueue',
    'SendDeadLetterQueue',
    'PresenceQueue',
    'PresenceDeadLetterQueue',
    'SessionRecorderQueue',
    'SessionRecorderDeadLetterQueue',
    'ConversationEventsRuleDeadLetterQueue',
    'AgentEventsRuleDeadLetterQueue',
    'MessageRequestedRuleDeadLetterQueue',
    'TrackQueue',
    'TrackDeadLetterQueue',
  ]

  it('holds every stateful resource in its Data child, and no other stateful resource', () => {
    const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'Pm'))
    const stateful = Object.entries(resources(template))
      .filter(([, r]) => STATEFUL.includes(r.Type))
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
      .sort()
    expect(stateful).toEqual(STATEFUL_RESOURCES.map((name) => `ProactiveMessagingData${name}`).sort())
  })
})
