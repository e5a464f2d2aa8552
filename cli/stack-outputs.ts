/**
 * The deployed stack's resources, found the way an operator would: by the stack's CloudFormation outputs
 * (cdk/stack.ts: StateTableName, SendQueueUrl, SendDlqUrl, …). Credentials and region come from the usual AWS
 * environment (AWS_PROFILE, AWS_REGION, …).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { APP_CONTEXT } from '../cdk/settings.ts'

/** The stack name `cdk deploy` uses unless `-c stackName=…`. */
export const DEFAULT_STACK_NAME = APP_CONTEXT.stackName.default

export type StackOutputs = Readonly<Record<string, string>>

export class StackOutputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StackOutputError'
  }
}

export async function readStackOutputs(stackName: string, client: CloudFormationClient = new CloudFormationClient({})): Promise<StackOutputs> {
  let stacks
  try {
    ;({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })))
  } catch (error) {
    if (isMissingCredentials(error)) throw new StackOutputError(noCredentials(error as Error))
    throw new StackOutputError(`stack "${stackName}": ${(error as Error).message}`)
  }
  const stack = stacks?.[0]
  if (!stack) throw new StackOutputError(`stack "${stackName}" not found`)
  const outputs: Record<string, string> = {}
  for (const output of stack.Outputs ?? []) if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue
  return outputs
}

export function requireOutput(outputs: StackOutputs, name: string, stackName: string): string {
  const value = outputs[name]
  if (value === undefined) throw new StackOutputError(`stack "${stackName}" has no output ${name} (deployed from an older version? run cdk deploy)`)
  return value
}

export function isMissingCredentials(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'CredentialsProviderError'
}

export function noCredentials(error: Error): string {
  return `no AWS credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_REGION): ${error.message}`
}
