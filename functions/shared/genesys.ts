/** Genesys credentials for a function: from Secrets Manager by ARN, never from the environment. */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { secretsManagerCredentials, type CredentialsSource } from '#lib/adapters/genesys-credentials.ts'
import { ConfigError } from '#lib/config.ts'
import type { Telemetry } from '#lib/domain/ports.ts'
import { LATENCY_METRICS, METRIC_DIMENSIONS } from '#lib/metrics-names.ts'

export function genesysCredentialsFor(config: { GENESYS_SECRET_ARN?: string }, aws: { secretsManager: SecretsManagerClient }): CredentialsSource {
  if (!config.GENESYS_SECRET_ARN) {
    throw new ConfigError('genesys', [{ code: 'custom', path: ['GENESYS_SECRET_ARN'], message: 'is required: the ARN of the secret holding {"clientId","clientSecret"}', input: undefined }])
  }
  return secretsManagerCredentials({ secretId: config.GENESYS_SECRET_ARN, client: aws.secretsManager })
}

/** The Genesys layer's `onRequestTime`: each request's duration as GenesysRequestLatency, per operation. */
export function genesysRequestTimer(telemetry: Telemetry): (operation: string, milliseconds: number) => void {
  return (operation, milliseconds) => telemetry.duration?.(LATENCY_METRICS.genesysRequestLatency, milliseconds, { [METRIC_DIMENSIONS.operation]: operation })
}
