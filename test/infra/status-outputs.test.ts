/**
 * `proactive status` reads every queue from the stack outputs (names ending QueueUrl or DlqUrl) and the deployed
 * sending mode from the output SendingMode: the stack must have them, or status would leave a queue unwatched.
 */
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { QUEUE_OUTPUT } from '../../cli/status/gather-status.ts'
import { ofType, testApp } from './template-helpers.ts'

describe('stack outputs proactive status reads', () => {
  it('every SQS queue of the stack has a …QueueUrl or …DlqUrl output', () => {
    const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmStatus'))
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
    const watched = new Set(
      Object.entries(outputs)
        .filter(([name]) => QUEUE_OUTPUT.test(name))
        .map(([, output]) => (output.Value as { Ref: string }).Ref),
    )
    const queues = ofType(template, 'AWS::SQS::Queue').map(([id]) => id)
    expect(queues.length).toBeGreaterThanOrEqual(9)
    expect(new Set(queues)).toEqual(watched)
  })

  it('SendingMode is the deployed SENDING_MODE', () => {
    const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmStatusMode', { settings: { sendingMode: 'dry-run' } }))
    expect((template.toJSON().Outputs as Record<string, { Value: unknown }>).SendingMode?.Value).toBe('dry-run')
  })
})
