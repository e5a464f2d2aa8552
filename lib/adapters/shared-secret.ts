/**
 * The reply-routing look-up's credential: one random key in Secrets Manager (its SecretString), read at run time
 * and cached. A data action presents it as HTTP Basic authentication (the Basic Auth credential type: any user
 * name, the key as password) or in an `X-Reply-Routing-Key` header (the User Defined credential type). Compared in
 * constant time: both sides are hashed first, so neither the length nor a prefix of the key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { Clock } from '../domain/ports.ts'

export const ROUTING_KEY_HEADER = 'x-reply-routing-key'

export interface SharedSecretSource {
  get(): Promise<string>
}

export function staticSecret(value: string): SharedSecretSource {
  return { get: async () => value }
}

export function secretsManagerSecret(client: SecretsManagerClient, secretId: string, clock: Clock, ttlMs = 300_000): SharedSecretSource {
  let cached: { value: string; readAt: number } | undefined
  return {
    async get() {
      if (cached && clock.now() - cached.readAt < ttlMs) return cached.value
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
      if (!SecretString) throw new Error(`secret ${secretId} has no SecretString: expected the reply-routing key`)
      cached = { value: SecretString, readAt: clock.now() }
      return SecretString
    },
  }
}

/** The key the request presents (Basic password or the header), lower-case header names; undefined if none. */
export function presentedKey(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const header = headers[ROUTING_KEY_HEADER]
  if (header) return header
  const authorization = headers.authorization
  const match = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? decoded.slice(colon + 1) : undefined
}

export function keyMatches(presented: string | undefined, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  // Hashing the expected key when nothing is presented keeps the two paths equally long.
  const match = timingSafeEqual(digest(presented ?? ''), digest(expected))
  return presented !== undefined && presented !== '' && match
}
