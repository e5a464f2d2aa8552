/**
 * Each function may touch only its own key prefixes in the state table
 * (dynamodb:LeadingKeys), both tables are protected from deletion, the app-bus archive (personal data) is
 * encrypted with a customer managed key and kept 7 days by default, and only presence may put
 * ProactiveMessageRequested on the app bus.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { CODE_ROOT } from '../../cdk/proactive-messaging.ts'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { TABLES } from '#lib/topology.ts'
import { asArray, functionByPrefix, logicalIdOf, ofType, resources, testApp } from './template-helpers.ts'

const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmStateAccess'))
const [stateTableId] = ofType(template, 'AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith('ProactiveMessagingDataStateTable'))!

function stateStatementsOf(functionPrefix: string): { actions: string[]; prefixes?: string[] }[] {
  const roleId = logicalIdOf(functionByPrefix(template, functionPrefix)[1].Properties.Role)
  return ofType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((role) => logicalIdOf(role) === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[])
    .filter((s) => asArray<any>(s.Resource).some((r) => logicalIdOf(r) === stateTableId))
    .map((s) => ({ actions: asArray<string>(s.Action), prefixes: s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] }))
}

const writes = (statements: { actions: string[]; prefixes?: string[] }[]) => statements.filter((s) => s.actions.some((a) => /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(a)))

describe('state table: each function only its own key prefixes', () => {
  it('presence writes only agent#, queues#, capacity# and claim# items, and reads only agent#, cap#, queues#, capacity#, control#, optout# and claim#', () => {
    const statements = stateStatementsOf('ProactiveMessagingPresenceFunction')
    expect(statements.length).toBeGreaterThan(0)
    for (const s of statements) expect(s.prefixes, s.actions.join()).toBeDefined()
    expect(writes(statements).flatMap((s) => s.prefixes)).toEqual(['agent#*', 'queues#*', 'capacity#*', 'claim#*'])
    expect(statements.filter((s) => s.actions.includes('dynamodb:GetItem')).flatMap((s) => s.prefixes)).toEqual(['agent#*', 'cap#*', 'queues#*', 'capacity#*', 'control#*', 'optout#*', 'claim#*'])
  })

  it('send writes only delivery#, cap#, pace#, sent# and thread# items, deletes only cap# items, and reads only delivery#, cap#, control# and optout#', () => {
    const statements = stateStatementsOf('ProactiveMessagingSendFunction')
    for (const s of statements) expect(s.prefixes, s.actions.join()).toBeDefined()
    expect(
      writes(statements)
        .flatMap((s) => s.prefixes)
        .sort(),
    ).toEqual(['cap#*', 'cap#*', 'delivery#*', 'pace#*', 'sent#*', 'thread#*'])
    expect(statements.filter((s) => s.actions.includes('dynamodb:DeleteItem')).flatMap((s) => s.prefixes)).toEqual(['cap#*'])
    expect(statements.filter((s) => s.actions.includes('dynamodb:GetItem')).flatMap((s) => s.prefixes)).toEqual(['delivery#*', 'cap#*', 'control#*', 'optout#*'])
  })

  it('every key prefix an adapter uses in the state table is granted to a function', () => {
    const granted = new Set(Object.values(TABLES.state.keyPrefixes).flatMap((p) => [...p.read, ...p.write]))
    const adapters = join(CODE_ROOT, 'lib', 'adapters')
    const used = new Set<string>()
    for (const file of readdirSync(adapters).filter((f) => f.endsWith('.ts'))) {
      // Keys built as `prefix#${…}` and constant keys such as 'control#sending-mode'.
      const source = readFileSync(join(adapters, file), 'utf8')
      for (const match of source.matchAll(/[`'"]([a-z]+)#(?:\$\{|[a-z-]+['"])/g)) used.add(match[1]!)
      // And the prefixes of per-agent caches (state-table-cache.ts builds `${keyPrefix}#${agentId}`).
      for (const match of source.matchAll(/keyPrefix: '([a-z]+)'/g)) used.add(match[1]!)
    }
    expect(used.size).toBeGreaterThanOrEqual(7)
    for (const prefix of used) expect(granted, prefix).toContain(prefix)
  })
})

describe('tables, archive and app bus', () => {
  it('protects both tables from deletion (retainData defaults to true)', () => {
    const tables = ofType(template, 'AWS::DynamoDB::GlobalTable')
    expect(tables).toHaveLength(2)
    for (const [id, table] of tables) {
      for (const replica of table.Properties.Replicas) expect(replica.DeletionProtectionEnabled, id).toBe(true)
    }
  })

  it('encrypts the app-bus archive with a rotated customer managed key and keeps it 7 days', () => {
    const [, archive] = ofType(template, 'AWS::Events::Archive')[0]!
    expect(archive.Properties.RetentionDays).toBe(7)
    const keyId = logicalIdOf(archive.Properties.KmsKeyIdentifier)!
    const key = resources(template)[keyId]!
    expect(key.Type).toBe('AWS::KMS::Key')
    expect(key.Properties.EnableKeyRotation).toBe(true)
    const eventBridgeUse = (key.Properties.KeyPolicy.Statement as any[]).find((s) => s.Principal?.Service === 'events.amazonaws.com' && asArray(s.Action).includes('kms:GenerateDataKey'))
    expect(eventBridgeUse.Condition.StringEquals).toHaveProperty('kms:EncryptionContext:aws:events:event-bus:arn')
  })

  it('lets only the presence role put ProactiveMessageRequested on the app bus', () => {
    const policies = ofType(template, 'AWS::Events::EventBusPolicy')
    expect(policies).toHaveLength(1)
    const [, policy] = policies[0]!
    const appBusId = ofType(template, 'AWS::Events::EventBus').find(([id]) => id.startsWith('ProactiveMessagingDataAppBus'))![0]
    expect(logicalIdOf(policy.Properties.EventBusName)).toBe(appBusId)
    const presenceRole = logicalIdOf(functionByPrefix(template, 'ProactiveMessagingPresenceFunction')[1].Properties.Role)
    expect(policy.Properties.Statement).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Condition: {
        StringEquals: { 'events:detail-type': 'ProactiveMessageRequested' },
        ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [presenceRole, 'Arn'] } },
      },
    })
  })
})
