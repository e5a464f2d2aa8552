/**
 * The presence function's one Genesys call, `GET /api/v2/users/{userId}/queues`, over plain fetch with a
 * client-credentials token. The Genesys SDK would add about 2 MB and 60 ms to every cold start of a function
 * that, in agent scope, never calls Genesys at all (docs/benchmarks.md); the send function keeps the SDK.
 */
import type { QueueDirectory } from '../domain/ports.ts'
import type { CredentialsSource } from './genesys-credentials.ts'
import { regionHost } from './genesys-regions.ts'

export interface QueueDirectoryOptions {
  readonly credentials: CredentialsSource
  /** Region host or key; ignored when `gatewayUrl` is set. */
  readonly region?: string
  /** One base URL for both the token and the API (the local simulator, or a corporate gateway). */
  readonly gatewayUrl?: string
  readonly timeoutMs?: number
  readonly now?: () => number
  readonly fetch?: typeof fetch
}

/** A failed Genesys call: the status and Genesys's code, never a token or a secret. */
export class GenesysHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'GenesysHttpError'
  }
}

const PAGE_SIZE = 100
const MAX_PAGES = 50

export function createGenesysQueueDirectory(options: QueueDirectoryOptions): QueueDirectory {
  const host = options.gatewayUrl ? undefined : regionHost(options.region ?? 'mypurecloud.com')
  const loginBase = options.gatewayUrl?.replace(/\/+$/, '') ?? `https://login.${host}`
  const apiBase = options.gatewayUrl?.replace(/\/+$/, '') ?? `https://api.${host}`
  const now = options.now ?? Date.now
  const doFetch = options.fetch ?? fetch
  const timeout = options.timeoutMs ?? 10_000
  let token: { value: string; refreshAt: number } | undefined

  async function accessToken(): Promise<string> {
    if (token && now() < token.refreshAt) return token.value
    const { clientId, clientSecret } = await options.credentials.get()
    const response = await doFetch(`${loginBase}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(timeout),
    })
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string }
    if (!response.ok || !body.access_token) {
      if (response.status === 401) options.credentials.invalidate()
      throw new GenesysHttpError(response.status, body.error, `Genesys token request failed with ${response.status}${body.error ? ` (${body.error})` : ''}`)
    }
    const lifetimeMs = (body.expires_in ?? 86_400) * 1000
    token = { value: body.access_token, refreshAt: now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10) }
    return token.value
  }

  async function getPage(userId: string, page: number, retried = false): Promise<{ entities?: { id?: string }[]; pageCount?: number }> {
    const url = `${apiBase}/api/v2/users/${encodeURIComponent(userId)}/queues?pageSize=${PAGE_SIZE}&pageNumber=${page}&joined=true`
    const response = await doFetch(url, { headers: { authorization: `Bearer ${await accessToken()}` }, signal: AbortSignal.timeout(timeout) })
    if (response.status === 401 && !retried) {
      // Expired or revoked: drop the token and the cached secret (it may have been rotated), and try once more.
      token = undefined
      options.credentials.invalidate()
      return getPage(userId, page, true)
    }
    const body = (await response.json().catch(() => ({}))) as { entities?: { id?: string }[]; pageCount?: number; code?: string; message?: string }
    if (!response.ok) throw new GenesysHttpError(response.status, body.code, `Genesys GET /api/v2/users/{userId}/queues failed with ${response.status}${body.code ? ` (${body.code})` : ''}`)
    return body
  }

  return {
    async queueIdsOf(agentId: string): Promise<string[]> {
      const ids: string[] = []
      for (let page = 1; page <= MAX_PAGES; page++) {
        const body = await getPage(agentId, page)
        for (const entity of body.entities ?? []) if (entity.id) ids.push(entity.id)
        if (!body.pageCount || page >= body.pageCount) break
      }
      return ids
    },
  }
}
