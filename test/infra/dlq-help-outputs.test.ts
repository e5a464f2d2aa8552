/**
 * `proactive dlq --help` names the stack outputs to pass as --queue: each name it mentions is an output of the
 * stack, and every dead-letter queue of the stack is named there (so none is left unreachable from the CLI).
 */
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { HELP } from '../../cli/commands/dlq.ts'
import { ofType, testApp } from './template-helpers.ts'

const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmDlqHelp'))
const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
const namedInHelp = [...new Set(HELP.match(/\b[A-Z][A-Za-z]*DlqUrl\b/g) ?? [])]

describe('proactive dlq --help and the stack outputs', () => {
  it('names only outputs the stack has, each the URL of a queue', () => {
    expect(namedInHelp.length).toBeGreaterThan(0)
    const queueIds = new Set(ofType(template, 'AWS::SQS::Queue').map(([id]) => id))
    for (const name of namedInHelp) {
      expect(outputs, name).toHaveProperty(name)
      expect(queueIds.has((outputs[name]!.Value as { Ref: string }).Ref), name).toBe(true)
    }
  })

  it('names the output of every dead-letter queue (the seven that redrive policies and rule targets point to)', () => {
    const deadLetterQueueIds = new Set<string>()
    for (const [, queue] of ofType(template, 'AWS::SQS::Queue')) {
      const target = queue.Properties?.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0]
      if (target) deadLetterQueueIds.add(target)
    }
    for (const [, rule] of ofType(template, 'AWS::Events::Rule')) {
      for (const t of rule.Properties.Targets) deadLetterQueueIds.add(t.DeadLetterConfig.Arn['Fn::GetAtt'][0])
    }
    expect(deadLetterQueueIds.size).toBe(7)
    const helpQueueIds = namedInHelp.map((name) => (outputs[name]!.Value as { Ref: string }).Ref)
    expect(new Set(helpQueueIds)).toEqual(deadLetterQueueIds)
  })
})
