import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { mockClient } from 'aws-sdk-client-mock'
import { afterEach, describe, expect, it } from 'vitest'
import { readStackOutputs, requireOutput } from '../../cli/stack-outputs.ts'

const cfn = mockClient(CloudFormationClient)
afterEach(() => cfn.reset())

describe('stack outputs', () => {
  it('reads the outputs of the named stack by key', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'Pilot' }).resolves({
      Stacks: [
        {
          StackName: 'Pilot',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'StateTableName', OutputValue: 'pilot-state' },
            { OutputKey: 'SendDlqUrl', OutputValue: 'https://sqs/dlq' },
          ],
        },
      ],
    })
    const outputs = await readStackOutputs('Pilot', new CloudFormationClient({ region: 'us-east-1' }))
    expect(outputs).toEqual({ StateTableName: 'pilot-state', SendDlqUrl: 'https://sqs/dlq' })
    expect(requireOutput(outputs, 'StateTableName', 'Pilot')).toBe('pilot-state')
    expect(() => requireOutput(outputs, 'SendQueueUrl', 'Pilot')).toThrow('stack "Pilot" has no output SendQueueUrl')
  })

  it('a missing stack is an error naming it', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id Nope does not exist'))
    await expect(readStackOutputs('Nope', new CloudFormationClient({ region: 'us-east-1' }))).rejects.toThrow('stack "Nope": Stack with id Nope does not exist')
  })
})
