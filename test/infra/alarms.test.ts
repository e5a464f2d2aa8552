/**
 * Alarms an on-call engineer can act on: every alarm says what it means and the first step, links a runbook
 * section that exists in docs/operations.md (base: the runbookUrl setting), and tells the same topic when it
 * clears. The dashboard splits sent, failed and dead-lettered by channel and shows Genesys latency percentiles.
 */
import { readFileSync } from 'node:fs'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { ALARM_GUIDES, DEFAULT_RUNBOOK_URL } from '../../cdk/alarm-runbook.ts'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { CHANNELS } from '#lib/domain/model.ts'
import { CHANNEL_METRICS, GENESYS_OPERATIONS, LATENCY_METRICS } from '#lib/metrics-names.ts'
import { ofType, testApp } from './template-helpers.ts'

const RUNBOOK = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
const ANCHORS = new Set(
  RUNBOOK.split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
)

const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmAlarms', { settings: { alarmEmail: 'ops@example.com' } }))
const alarms = ofType(template, 'AWS::CloudWatch::Alarm')
const topicId = ofType(template, 'AWS::SNS::Topic')[0]![0]

describe('every alarm', () => {
  it('the stack has the alarms of every stage, rule and Genesys check', () => {
    // 4 stages (session-recorder, presence, send, track) × (DLQ, age, faults, throttles) + 3 rules × (3 delivery metrics + DLQ) + 2 Genesys.
    expect(alarms.length).toBe(30)
  })

  it.each(alarms.map(([id, alarm]) => [id, alarm] as const))('%s: says what it means, the first step, and links a runbook section that exists', (_id, alarm) => {
    const description = alarm.Properties.AlarmDescription as string
    expect(description).toMatch(/\. First step: .+/)
    expect(description).not.toMatch(/Number of messages in the queue is too high|is too high\./)
    const link = /Runbook: (\S+)/.exec(description)?.[1]
    expect(link).toBeDefined()
    const [base, anchor] = link!.split('#')
    expect(base).toBe(DEFAULT_RUNBOOK_URL)
    expect(ANCHORS, `anchor #${anchor} in docs/operations.md`).toContain(anchor)
    expect(description.length).toBeLessThanOrEqual(1024)
  })

  it.each(alarms.map(([id, alarm]) => [id, alarm] as const))('%s: alarm and OK go to the alarm topic', (_id, alarm) => {
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }])
    expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }])
  })

  it('every guide is used, and its anchor is a heading of docs/operations.md', () => {
    const descriptions = alarms.map(([, alarm]) => alarm.Properties.AlarmDescription as string).join('\n')
    for (const [kind, guide] of Object.entries(ALARM_GUIDES)) {
      expect(ANCHORS, kind).toContain(guide.anchor)
      expect(descriptions, kind).toContain(`#${guide.anchor}`)
    }
  })

  it('runbookUrl replaces the base of every link; an anchor or a space in it is refused naming the setting', () => {
    const base = 'https://runbooks.example.com/proactive/operations.md'
    const custom = ofType(Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmRunbook', { settings: { runbookUrl: base } })), 'AWS::CloudWatch::Alarm')
    for (const [, alarm] of custom) expect(alarm.Properties.AlarmDescription).toMatch(new RegExp(`Runbook: ${base.replace(/[.]/g, '\\.')}#alarm-`))
    expect(() => new ProactiveMessagingStack(testApp(), 'PmRunbookBad', { settings: { runbookUrl: `${base}#alarms` } })).toThrow(/Invalid setting "runbookUrl"/)
  })
})

describe('dashboard', () => {
  const body = JSON.stringify(ofType(template, 'AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody)

  it('shows each channel metric per channel', () => {
    for (const metric of CHANNEL_METRICS) for (const channel of CHANNELS) expect(body).toMatch(new RegExp(`${metric}[^\\]]*channel[^\\]]*${channel}`))
  })

  it('shows p50 and p99 of every Genesys operation', () => {
    expect(body).toContain(LATENCY_METRICS.genesysRequestLatency)
    for (const { operation, services } of Object.values(GENESYS_OPERATIONS)) {
      for (const service of services) for (const stat of ['p50', 'p99']) expect(body).toContain(`${operation} (${service}) ${stat}`)
    }
  })
})
