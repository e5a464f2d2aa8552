/**
 * Where the Genesys OAuth client credentials come from. In Lambda: a Secrets Manager secret read at run
 * time and cached; `invalidate()` (called on a 401) forces a re-read, so a rotated secret is picked up
 * without a redeploy. Error messages name the secret and the missing key, never the secret's value.
 *
 * Not @aws-lambda-powertools/parameters' SecretsProvider, whose cache (BaseProvider.get, 2.x) would lose three
 * things the rotation relies on: concurrent callers there each call GetSecretValue (here they share one read);
 * every fetch writes the cache when it ends, so a read that started before a 401's forced refresh can put the old
 * secret back (here `generation` stops it); and its expiry reads Date.now(), not the injected clock the tests and
 * replays drive. `forceFetch` alone would cover refresh-on-401, not these.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { Clock } from '../domain/ports.ts'

export interface GenesysCredentials {
  clientId: string
  clientSecret: string
}

export interface CredentialsSource {
  get(): Promise<GenesysCredentials>
  /** Drops any cached value: the next `get()` reads the source again. */
  invalidate(): void
}

export function staticCredentials(credentials: GenesysCredentials): CredentialsSource {
  const copy = { ...credentials }
  return { get: async () => copy, invalidate: () => {} }
}

export interface SecretsManagerCredentialsOptions {
  /** Name or ARN of a secret whose SecretString is `{"clientId":"…","clientSecret":"…"}`. */
  secretId: string
  client?: SecretsManagerClient
  /** How long a read value is reused. Default 5 minutes. */
  ttlMs?: number
  clock?: Clock
}

export class CredentialsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialsError'
  }
}

/** Parses the secret's JSON; errors say what is wrong without echoing the content. */
export function parseCredentialsSecret(secretId: string, secretString: string | undefined): GenesysCredentials {
  if (secretString === undefined) {
    throw new CredentialsError(`secret ${secretId} has no SecretString (binary secrets are not supported); expected {"clientId","clientSecret"}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(secretString)
  } catch {
    throw new CredentialsError(`secret ${secretId} is not JSON; expected {"clientId":"…","clientSecret":"…"}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CredentialsError(`secret ${secretId} is not a JSON object; expected {"clientId":"…","clientSecret":"…"}`)
  }
  const record = parsed as Record<string, unknown>
  for (const key of ['clientId', 'clientSecret'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') {
      throw new CredentialsError(`secret ${secretId} has no non-empty string "${key}"; expected {"clientId":"…","clientSecret":"…"}`)
    }
  }
  return { clientId: record.clientId as string, clientSecret: record.clientSecret as string }
}

export function secretsManagerCredentials(options: SecretsManagerCredentialsOptions): CredentialsSource {
  const client = options.client ?? new SecretsManagerClient({})
  const ttlMs = options.ttlMs ?? 300_000
  const clock = options.clock ?? { now: () => Date.now() }
  let cached: { value: GenesysCredentials; readAt: number } | undefined
  // Concurrent callers share one read.
  let inFlight: Promise<GenesysCredentials> | undefined
  // Bumped by invalidate(), so a read that started before it cannot refill the cache with a stale value.
  let generation = 0

  async function read(): Promise<GenesysCredentials> {
    const started = generation
    const output = await client.send(new GetSecretValueCommand({ SecretId: options.secretId }))
    const value = parseCredentialsSecret(options.secretId, output.SecretString)
    if (started === generation) cached = { value, readAt: clock.now() }
    return value
  }

  return {
    async get() {
      if (cached && clock.now() - cached.readAt < ttlMs) return cached.value
      if (!inFlight) {
        const reading = read().finally(() => {
          if (inFlight === reading) inFlight = undefined
        })
        inFlight = reading
      }
      return inFlight
    },
    invalidate() {
      cached = undefined
      inFlight = undefined
      generation += 1
    },
  }
}
