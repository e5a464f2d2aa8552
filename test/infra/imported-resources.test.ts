/**
 * The stack configured only through CDK context (as `cdk.json` or `-c key=value` give it: strings), importing an
 * existing partner bus and secret. One synthesis for the file.
 */
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { rulePatterns, sendConcurrencyFor } from '#lib/topology.ts'
import { asArray, functionByPrefix, identityStatements, ofType, testApp } from './template-helpers.ts'

const ORG_ID = 'b2c3d4e5-0000-4000-8000-000000000002'
const BUS_NAME = `aws.partner/genesys.com/cloud/${ORG_ID}/existing`
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genesys/proactive-AbC123'

let template: Template

beforeAll(() => {
  const app = testApp({
    existingPartnerBusName: BUS_NAME,
    genesysSecretArn: SECRET_ARN,
    budgetPerMinute: '1800',
    budgetHeadroom: '0.5',
    scope: 'queue',
    availablePresences: 'AVAILABLE, BUSY',
    archiveRetentionDays: '0',
    logRetentionDays: '90',
    retainData: 'false',
    smsFromNumber: '+442071838750',
  })
  template = Template.fromStack(new ProactiveMessagingStack(app, 'PmImported'))
})

const env = (prefix: string) => functionByPrefix(template, prefix)[1].Properties.Environment.Variables

describe('imported partner bus and secret, settings from context', () => {
  it('creates only the app bus and attaches the Genesys rules to the imported bus by name', () => {
    const buses = ofType(template, 'AWS::Events::EventBus')
    expect(buses).toHaveLength(1)
    expect(buses[0]![1].Properties.EventSourceName).toBeUndefined()
    const partnerRules = ofType(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventBusName === BUS_NAME)
    expect(partnerRules.map(([, r]) => r.Properties.EventPattern)).toEqual(expect.arrayContaining([rulePatterns({ orgId: ORG_ID }).conversationEvents, rulePatterns({ orgId: ORG_ID }).agentEvents]))
    expect(partnerRules).toHaveLength(2)
  })

  it('creates no Genesys secret and grants read on exactly the imported ARN', () => {
    // The only secret created is the reply-routing look-up's own key, which nothing but that function reads.
    const secrets = ofType(template, 'AWS::SecretsManager::Secret')
    expect(secrets.map(([, secret]) => secret.Properties.Description as string)).toEqual([expect.stringContaining('reply-routing look-up')])
    const [routingKeyId] = secrets[0]!
    expect(env('ProactiveMessagingSendFunction').GENESYS_SECRET_ARN).toBe(SECRET_ARN)
    expect(env('ProactiveMessagingPresenceFunction').GENESYS_SECRET_ARN).toBe(SECRET_ARN)
    const secretStatements = identityStatements(template).filter((s) => asArray<string>(s.Action).includes('secretsmanager:GetSecretValue'))
    const genesys = secretStatements.filter((s) => (s.Resource as { Ref?: string }).Ref !== routingKeyId)
    // presence, send and track: the three functions that call Genesys.
    expect(genesys).toHaveLength(3)
    for (const s of genesys) expect(s.Resource).toBe(SECRET_ARN)
    expect(secretStatements).toHaveLength(4)
  })

  it('turns string context into typed settings', () => {
    const concurrency = sendConcurrencyFor(1800 * 0.5)
    const [sendId] = functionByPrefix(template, 'ProactiveMessagingSendFunction')
    const [, esm] = ofType(template, 'AWS::Lambda::EventSourceMapping').find(([, r]) => r.Properties.FunctionName.Ref === sendId)!
    expect(esm.Properties.ScalingConfig.MaximumConcurrency).toBe(concurrency)
    expect(env('ProactiveMessagingSendFunction')).toMatchObject({
      GENESYS_BUDGET_PER_MINUTE: '1800',
      GENESYS_BUDGET_HEADROOM: '0.5',
      SMS_FROM_NUMBER: '+442071838750',
    })
    expect(env('ProactiveMessagingPresenceFunction')).toMatchObject({ TARGET_SCOPE: 'queue', AVAILABLE_PRESENCES: 'AVAILABLE,BUSY' })
    for (const [, group] of ofType(template, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(90)
  })

  it('keeps archived events indefinitely when archiveRetentionDays is 0', () => {
    const [, archive] = ofType(template, 'AWS::Events::Archive')[0]!
    // CloudFormation reads 0 (or no value) as "keep indefinitely".
    expect(archive.Properties.RetentionDays ?? 0).toBe(0)
  })

  it('deletes tables and log groups on destroy when retainData is false', () => {
    for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::Logs::LogGroup']) {
      for (const [id, resource] of ofType(template, type)) expect(resource.DeletionPolicy, id).toBe('Delete')
    }
  })
})
