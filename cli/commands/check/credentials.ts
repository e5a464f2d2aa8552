/** Where `proactive check` finds the OAuth client: the environment, or a Secrets Manager secret. */
import { isObject } from '../explain/json.ts'
import type { CheckStep } from './step.ts'

export interface Credentials {
  readonly clientId: string
  readonly clientSecret: string
  readonly source: string
}

export async function defaultReadSecret(secretId: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  const client = new SecretsManagerClient({})
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
    return output.SecretString ?? ''
  } finally {
    client.destroy()
  }
}

export async function findCredentials(env: Record<string, string | undefined>, readSecret: (id: string) => Promise<string>): Promise<Credentials | CheckStep> {
  const step = 'credentials'
  if (env.GENESYS_CLIENT_ID && env.GENESYS_CLIENT_SECRET) {
    return { clientId: env.GENESYS_CLIENT_ID, clientSecret: env.GENESYS_CLIENT_SECRET, source: 'GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET' }
  }
  const arn = env.GENESYS_SECRET_ARN
  if (!arn) {
    return {
      step,
      status: 'FAIL',
      detail: 'no credentials: neither GENESYS_CLIENT_ID + GENESYS_CLIENT_SECRET nor GENESYS_SECRET_ARN is set',
      fix: 'set GENESYS_SECRET_ARN to the Secrets Manager secret holding {"clientId","clientSecret"} of a client-credentials OAuth client, or set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET',
    }
  }
  let text: string
  try {
    text = await readSecret(arn)
  } catch (error) {
    return {
      step,
      status: 'FAIL',
      detail: `cannot read secret ${arn}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      fix: 'check the ARN, the AWS credentials and region of this shell, and secretsmanager:GetSecretValue on the secret',
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!isObject(parsed) || typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string') {
    return { step, status: 'FAIL', detail: `secret ${arn} is not JSON with string clientId and clientSecret`, fix: 'store {"clientId":"…","clientSecret":"…"} in the secret' }
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret, source: `secret ${arn}` }
}
