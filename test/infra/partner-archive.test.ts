/**
 * The partner-bus archive for `proactive replay`. It keeps exactly what the partner-bus rules
 * consume (the same pattern objects), for `partnerArchiveRetentionDays`, encrypted with its own rotated customer
 * managed key (Genesys events are personal data), also when the bus is imported. cdk-nag over the whole stack,
 * archive included: test/infra/stack.test.ts.
 */
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { partnerArchiveName } from '#lib/topology.ts'
import { logicalIdOf, ofType, resources, testApp } from './template-helpers.ts'

const BUS_NAME = 'aws.partner/genesys.com/cloud/b2c3d4e5-0000-4000-8000-000000000002/existing'

function partnerArchiveOf(template: Template) {
  const archives = ofType(template, 'AWS::Events::Archive').filter(([id]) => id.includes('PartnerEventsArchive'))
  expect(archives).toHaveLength(1)
  return archives[0]![1]
}

describe('partner-bus archive (created bus, defaults)', () => {
  const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmPartnerArchive'))
  const archive = partnerArchiveOf(template)

  it('archives exactly the events the two partner-bus rules match: their own patterns, or-ed', () => {
    const partnerBusId = ofType(template, 'AWS::Events::EventBus').find(([id]) => id.startsWith('ProactiveMessagingDataPartnerBus'))![0]
    expect(logicalIdOf(archive.Properties.SourceArn)).toBe(partnerBusId)
    const rulePatternsOnPartnerBus = ofType(template, 'AWS::Events::Rule')
      .filter(([, rule]) => logicalIdOf(rule.Properties.EventBusName) === partnerBusId)
      .map(([, rule]) => rule.Properties.EventPattern)
    expect(rulePatternsOnPartnerBus).toHaveLength(2)
    expect(archive.Properties.EventPattern.$or).toHaveLength(2)
    expect(archive.Properties.EventPattern.$or).toEqual(expect.arrayContaining(rulePatternsOnPartnerBus))
  })

  it('keeps events 7 days by default, under a name the CLI derives from the stack name', () => {
    expect(archive.Properties.RetentionDays).toBe(7)
    expect(archive.Properties.ArchiveName).toBe(partnerArchiveName('PmPartnerArchive'))
    expect(template.toJSON().Outputs.PartnerEventsArchiveName).toBeDefined()
  })

  it('encrypts with its own rotated customer managed key scoped to the partner bus', () => {
    const keyId = logicalIdOf(archive.Properties.KmsKeyIdentifier)!
    const appArchive = ofType(template, 'AWS::Events::Archive').find(([id]) => !id.includes('PartnerEventsArchive'))![1]
    expect(logicalIdOf(appArchive.Properties.KmsKeyIdentifier)).not.toBe(keyId)
    const key = resources(template)[keyId]!
    expect(key.Type).toBe('AWS::KMS::Key')
    expect(key.Properties.EnableKeyRotation).toBe(true)
    const use = (key.Properties.KeyPolicy.Statement as any[]).find((s) => s.Principal?.Service === 'events.amazonaws.com' && s.Condition)
    expect(logicalIdOf(use.Condition.StringEquals['kms:EncryptionContext:aws:events:event-bus:arn'])).toBe(logicalIdOf(archive.Properties.SourceArn))
  })
})

describe('partner-bus archive on an imported bus', () => {
  it('archives from the imported bus with the configured retention', () => {
    const app = testApp({ existingPartnerBusName: BUS_NAME, partnerArchiveRetentionDays: '30' })
    const archive = partnerArchiveOf(Template.fromStack(new ProactiveMessagingStack(app, 'PmPartnerArchiveImported')))
    expect(archive.Properties.RetentionDays).toBe(30)
    expect(JSON.stringify(archive.Properties.SourceArn)).toContain(`event-bus/${BUS_NAME}`)
  })

  it('refuses a bad retention, naming the setting', () => {
    expect(() => new ProactiveMessagingStack(testApp({ partnerArchiveRetentionDays: '-1' }), 'PmBadRetention')).toThrow(/partnerArchiveRetentionDays/)
    expect(() => new ProactiveMessagingStack(testApp({ partnerArchiveRetentionDays: '1.5' }), 'PmBadRetention2')).toThrow(/partnerArchiveRetentionDays/)
  })
})

describe('partnerArchiveName', () => {
  it('fits EventBridge archive names (≤ 48 of [.-_A-Za-z0-9]) and keeps long stack names apart', () => {
    const long = 'A'.repeat(60)
    const names = [partnerArchiveName('ProactiveMessaging'), partnerArchiveName(long), partnerArchiveName(`${long}B`)]
    for (const name of names) expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,48}$/)
    expect(names[0]).toBe('ProactiveMessaging-partner-events')
    expect(names[1]).not.toBe(names[2])
  })
})
