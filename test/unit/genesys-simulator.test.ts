import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AGENTLESS_PATH, startGenesysSimulator, type GenesysSimulator, type SimulatorOptions } from '../../local/genesys-simulator/index.ts'

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

async function tokenFrom(sim: GenesysSimulator, id = 'local-client', secret = 'local-secret'): Promise<string> {
  const response = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { access_token: string }).access_token
}

function sendAgentless(sim: GenesysSimulator, token: string | undefined, body: unknown): Promise<Response> {
  return fetch(`${sim.url}${AGENTLESS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
}

const webmessaging = { fromAddress: 'deployment-1', toAddressMessengerType: 'webmessaging', externalContactId: 'contact-1', textBody: 'An agent is available' }

interface ErrorBody {
  message: string
  code: string
  status: number
  contextId: string
  details: { fieldName: string; errorCode: string }[]
  errors: unknown[]
}

const started: GenesysSimulator[] = []
async function simulator(options?: SimulatorOptions): Promise<GenesysSimulator> {
  const sim = await startGenesysSimulator(options)
  started.push(sim)
  return sim
}
afterAll(async () => {
  await Promise.all(started.map((sim) => sim.close()))
})

describe('token endpoint', () => {
  let sim: GenesysSimulator
  beforeAll(async () => {
    sim = await simulator({ tokenTtlSeconds: 600 })
  })

  it('grants a bearer token for a known client', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic('local-client', 'local-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 600 })
    expect(body.access_token).toEqual(expect.any(String))
  })

  it('answers 401 invalid_client in the token endpoint shape for a wrong secret', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic('local-client', 'wrong'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(401)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({ error: 'invalid_client', description: expect.any(String) })
  })

  it('answers 400 unsupported_grant_type for another grant', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic('local-client', 'local-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' })
  })
})

describe('agentless endpoint', () => {
  let sim: GenesysSimulator
  let token: string
  beforeAll(async () => {
    sim = await simulator({ deployments: ['deployment-1'], integrations: { whatsapp: ['wa-integration'] } })
    token = await tokenFrom(sim)
  })
  afterEach(() => sim.reset())

  it('requires a bearer token: 401 authentication.required with a contextId', async () => {
    const response = await sendAgentless(sim, undefined, webmessaging)
    expect(response.status).toBe(401)
    const body = (await response.json()) as ErrorBody
    expect(body).toMatchObject({ code: 'authentication.required', status: 401 })
    expect(body.contextId).toEqual(expect.any(String))
  })

  it('rejects an unknown token with 401 bad.credentials', async () => {
    const response = await sendAgentless(sim, 'not-a-token', webmessaging)
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'bad.credentials', status: 401 })
  })

  it('accepts a valid webmessaging request and answers a SendAgentlessOutboundMessageResponse', async () => {
    const response = await sendAgentless(sim, token, webmessaging)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      id: expect.any(String),
      conversationId: expect.any(String),
      fromAddress: 'deployment-1',
      messengerType: 'webmessaging',
      timestamp: expect.any(String),
      message: { id: expect.any(String), status: 'queued', direction: 'outbound', messengerType: 'webmessaging', normalizedMessage: { text: 'An agent is available' } },
    })
    expect(body).not.toHaveProperty('toAddress')
  })

  it.each([
    ['webmessaging with toAddress', { ...webmessaging, toAddress: '+13175555555' }, 'toAddress'],
    ['webmessaging without externalContactId', { fromAddress: 'deployment-1', toAddressMessengerType: 'webmessaging', textBody: 'hi' }, 'externalContactId'],
    ['sms with a number not in E.164', { fromAddress: '+13170000000', toAddressMessengerType: 'sms', toAddress: '3175555555', textBody: 'hi' }, 'toAddress'],
    ['sms without textBody', { fromAddress: '+13170000000', toAddressMessengerType: 'sms', toAddress: '+13175555555' }, 'textBody'],
    ['sms over 765 characters', { fromAddress: '+13170000000', toAddressMessengerType: 'sms', toAddress: '+13175555555', textBody: 'x'.repeat(766) }, 'textBody'],
    ['whatsapp without a template', { fromAddress: 'wa-integration', toAddressMessengerType: 'whatsapp', toAddress: '13175555555', textBody: 'hi' }, 'messagingTemplate'],
    ['whatsapp with a + number', { fromAddress: 'wa-integration', toAddressMessengerType: 'whatsapp', toAddress: '+13175555555', messagingTemplate: { responseId: 't' } }, 'toAddress'],
    ['open without a recipient', { fromAddress: 'open-integration', toAddressMessengerType: 'open', textBody: 'hi' }, 'toAddress'],
    ['an invented field', { ...webmessaging, fromAddressId: 'deployment-1' }, 'fromAddressId'],
    ['an upper-case channel', { ...webmessaging, toAddressMessengerType: 'WEBMESSAGING' }, 'toAddressMessengerType'],
    ['an unknown deployment', { ...webmessaging, fromAddress: 'deployment-2' }, 'fromAddress'],
    ['an unknown whatsapp integration', { fromAddress: 'wa-other', toAddressMessengerType: 'whatsapp', toAddress: '13175555555', messagingTemplate: { responseId: 't' } }, 'fromAddress'],
  ])('rejects %s with a 400 naming the field', async (_case, body, field) => {
    const response = await sendAgentless(sim, token, body)
    expect(response.status).toBe(400)
    const error = (await response.json()) as ErrorBody
    expect(error).toMatchObject({ code: 'bad.request', status: 400, errors: [] })
    expect(error.contextId).toEqual(expect.any(String))
    expect(error.details.map((d) => d.fieldName)).toContain(field)
    expect(error.message).toContain(field)
    // The detail codes are the simulator's own; the response says so.
    const marked = response.headers.get('x-simulator-only-detail-codes')?.split(',') ?? []
    expect(marked.length).toBeGreaterThan(0)
    expect([...new Set(error.details.map((d) => d.errorCode))].sort()).toEqual([...marked].sort())
  })

  it('accepts any fromAddress on channels whose ids were not configured', async () => {
    const response = await sendAgentless(sim, token, { fromAddress: 'any-open-integration', toAddressMessengerType: 'open', toAddress: 'user-1', textBody: 'hi' })
    expect(response.status).toBe(200)
  })

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(`${sim.url}${AGENTLESS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{not json',
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as ErrorBody).details[0]?.fieldName).toBe('(body)')
  })

  it('records requests without the Authorization header', async () => {
    await sendAgentless(sim, token, webmessaging)
    await fetch(`${sim.url}/api/v2/nothing`)
    expect(sim.requests).toHaveLength(2)
    const [agentless] = sim.agentlessRequests()
    expect(sim.agentlessRequests()).toHaveLength(1)
    expect(agentless).toMatchObject({ method: 'POST', path: AGENTLESS_PATH, status: 200, body: webmessaging, clientId: 'local-client' })
    expect(agentless?.receivedAt).toEqual(expect.any(Number))
    expect(JSON.stringify(sim.requests)).not.toContain(token)
    expect(sim.requests[1]?.status).toBe(404)
  })

  it('answers 404 not.found for anything else', async () => {
    const response = await fetch(`${sim.url}/api/v2/conversations/messaging/external-messages`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 'not.found', status: 404, contextId: expect.any(String) })
  })

  it('records the token request body and client id, never the secret', async () => {
    await tokenFrom(sim)
    expect(sim.requests[0]).toMatchObject({ path: '/oauth/token', body: { grant_type: 'client_credentials' }, clientId: 'local-client', status: 200 })
    expect(JSON.stringify(sim.requests)).not.toContain('local-secret')
  })
})

describe('permissions and token expiry', () => {
  it('answers 403 missing.permissions without conversation:message:create', async () => {
    const sim = await simulator({ clients: { reader: { secret: 's', permissions: ['routing:queue:view'] } } })
    const response = await sendAgentless(sim, await tokenFrom(sim, 'reader', 's'), webmessaging)
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'missing.permissions', status: 403 })
  })

  it('answers 401 credentials.expired once the token lifetime has passed', async () => {
    let now = 1_000_000
    const sim = await simulator({ tokenTtlSeconds: 60, now: () => now })
    const token = await tokenFrom(sim)
    now += 61_000
    const response = await sendAgentless(sim, token, webmessaging)
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'credentials.expired' })
  })

  it('expireTokens() revokes every issued token', async () => {
    const sim = await simulator()
    const token = await tokenFrom(sim)
    sim.expireTokens()
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(401)
  })
})

describe('rate limit', () => {
  it('answers 429 with Retry-After after the per-token limit, and inin headers on every response', async () => {
    let now = 5_000_000
    const sim = await simulator({ rateLimitPerMinute: 3, rateWindowMs: 10_000, now: () => now })
    const token = await tokenFrom(sim)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const response = await sendAgentless(sim, token, webmessaging)
      statuses.push(response.status)
      expect(response.headers.get('inin-ratelimit-count')).toBe(String(i + 1))
      expect(response.headers.get('inin-ratelimit-allowed')).toBe('3')
      expect(response.headers.get('inin-ratelimit-reset')).toBe('10')
      expect(response.headers.get('inin-correlation-id')).toEqual(expect.any(String))
    }
    now += 2_500
    const limited = await sendAgentless(sim, token, webmessaging)
    expect(statuses).toEqual([200, 200, 200])
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('8')
    expect(limited.headers.get('inin-ratelimit-reset')).toBe('8')
    expect(await limited.json()).toMatchObject({ code: 'too.many.requests.retry.after', status: 429, contextId: expect.any(String) })

    // A new token has its own budget; the old one recovers when the window resets.
    expect((await sendAgentless(sim, await tokenFrom(sim), webmessaging)).status).toBe(200)
    now += 7_500
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(200)
  })

  it('gives a Retry-After of at least 1 second', async () => {
    let now = 0
    const sim = await simulator({ rateLimitPerMinute: 1, rateWindowMs: 1_000, now: () => now })
    const token = await tokenFrom(sim)
    await sendAgentless(sim, token, webmessaging)
    now += 999
    const limited = await sendAgentless(sim, token, webmessaging)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
  })
})

describe('rate limit changes and competing consumers', () => {
  it('carries the limit and the message parameters on a 429', async () => {
    const sim = await simulator({ rateLimitPerMinute: 1, rateWindowMs: 5_000 })
    const token = await tokenFrom(sim)
    await sendAgentless(sim, token, webmessaging)
    const body = (await (await sendAgentless(sim, token, webmessaging)).json()) as Record<string, unknown>
    expect(body).toMatchObject({ limit: { value: 1 }, messageParams: { retryAfter: expect.stringMatching(/^\d+$/) }, messageWithParams: expect.stringContaining('{retryAfter}') })
  })

  it('changes the allowance during a run', async () => {
    const sim = await simulator({ rateLimitPerMinute: 2, rateWindowMs: 60_000 })
    const token = await tokenFrom(sim)
    await sendAgentless(sim, token, webmessaging)
    await sendAgentless(sim, token, webmessaging)
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(429)
    sim.setRateLimit(10)
    const response = await sendAgentless(sim, token, webmessaging)
    expect(response.status).toBe(200)
    expect(response.headers.get('inin-ratelimit-allowed')).toBe('10')
    expect(() => sim.setRateLimit(0)).toThrow(/perWindow must be a positive integer/)
  })

  it("counts a competing consumer's share of the window in inin-ratelimit-count", async () => {
    let now = 1_000_000
    const sim = await simulator({ rateLimitPerMinute: 100, rateWindowMs: 10_000, rateLimitScope: 'client', now: () => now })
    sim.setCompetingShare(0.3)
    const token = await tokenFrom(sim)
    await sendAgentless(sim, token, webmessaging) // opens the window
    now += 5_000
    const response = await sendAgentless(sim, token, webmessaging)
    // 2 of ours, and the competitor's 30 % of 100 spread over the window: 15 by half-time.
    expect(response.headers.get('inin-ratelimit-count')).toBe('17')
    expect(() => sim.setCompetingShare(1)).toThrow(/share must be from 0 to below 1/)
  })
})

describe('user queues', () => {
  const queueIds = Array.from({ length: 7 }, (_, i) => `queue-${i + 1}`)

  it("pages through a user's queues", async () => {
    const sim = await simulator({ queueMemberships: { 'agent-1': queueIds } })
    const token = await tokenFrom(sim)
    const page = async (pageNumber: number) => {
      const response = await fetch(`${sim.url}/api/v2/users/agent-1/queues?pageSize=3&pageNumber=${pageNumber}`, { headers: { authorization: `Bearer ${token}` } })
      expect(response.status).toBe(200)
      expect(response.headers.get('inin-ratelimit-allowed')).toBe('300')
      return (await response.json()) as { entities: { id: string; name: string; joined: boolean }[]; pageSize: number; pageNumber: number; total: number; pageCount: number }
    }
    const first = await page(1)
    expect(first).toMatchObject({ pageSize: 3, pageNumber: 1, total: 7, pageCount: 3 })
    expect(first.entities.map((q) => q.id)).toEqual(['queue-1', 'queue-2', 'queue-3'])
    expect(first.entities[0]).toMatchObject({ joined: true, name: expect.any(String) })
    expect((await page(3)).entities.map((q) => q.id)).toEqual(['queue-7'])
    expect((await page(4)).entities).toEqual([])
  })

  it('defaults to page 1 of 25, answers an empty listing for a user without queues, and checks the bearer', async () => {
    const sim = await simulator({ queueMemberships: { 'agent-1': queueIds } })
    const token = await tokenFrom(sim)
    const listing = await (await fetch(`${sim.url}/api/v2/users/agent-1/queues`, { headers: { authorization: `Bearer ${token}` } })).json()
    expect(listing).toMatchObject({ pageSize: 25, pageNumber: 1, total: 7, pageCount: 1 })
    const empty = await (await fetch(`${sim.url}/api/v2/users/agent-2/queues`, { headers: { authorization: `Bearer ${token}` } })).json()
    expect(empty).toMatchObject({ entities: [], total: 0, pageCount: 0 })
    expect((await fetch(`${sim.url}/api/v2/users/agent-1/queues`)).status).toBe(401)
  })

  it('sets no maximum page size (none is documented) and marks its own detail codes simulator-only', async () => {
    const sim = await simulator({ queueMemberships: { 'agent-1': queueIds } })
    const headers = { authorization: `Bearer ${await tokenFrom(sim)}` }
    const large = await fetch(`${sim.url}/api/v2/users/agent-1/queues?pageSize=1000`, { headers })
    expect(large.status).toBe(200)
    expect(await large.json()).toMatchObject({ pageSize: 1000, total: 7, pageCount: 1 })
    const zero = await fetch(`${sim.url}/api/v2/users/agent-1/queues?pageSize=0`, { headers })
    expect(zero.status).toBe(400)
    expect(await zero.json()).toMatchObject({ code: 'bad.request', details: [{ fieldName: 'pageSize', errorCode: 'invalid.value' }] })
    expect(zero.headers.get('x-simulator-only-detail-codes')).toBe('invalid.value')
    expect(large.headers.get('x-simulator-only-detail-codes')).toBeNull()
  })

  it('requires routing:queue:view', async () => {
    const sim = await simulator({ clients: { sender: { secret: 's', permissions: ['conversation:message:create'] } } })
    const response = await fetch(`${sim.url}/api/v2/users/agent-1/queues`, { headers: { authorization: `Bearer ${await tokenFrom(sim, 'sender', 's')}` } })
    expect(response.status).toBe(403)
  })
})

describe('faults', () => {
  async function statusesWith(faults: SimulatorOptions['faults'], count: number): Promise<(string | number)[]> {
    const sim = await simulator({ faults })
    const outcomes: (string | number)[] = []
    for (let i = 0; i < count; i++) {
      // token401 revokes the token, so log in for every request to keep the draws comparable.
      const response = await sendAgentless(sim, await tokenFrom(sim), webmessaging)
      outcomes.push(response.status)
    }
    expect(sim.agentlessRequests().map((r) => r.fault !== undefined)).toEqual(outcomes.map((s) => s !== 200))
    return outcomes
  }

  it('injects the same faults for the same seed', async () => {
    const faults = { http429: 0.2, http5xx: 0.2, token401: 0.2, seed: 42 }
    const first = await statusesWith(faults, 30)
    expect(await statusesWith(faults, 30)).toEqual(first)
    expect(new Set(first)).toEqual(new Set([200, 401, 429, 503]))
    expect(await statusesWith({ ...faults, seed: 7 }, 30)).not.toEqual(first)
  })

  it('answers 503 service.unavailable, 429 with Retry-After, and 401 for the faults', async () => {
    const sim = await simulator({ faults: { sequence: ['http5xx', 'http429', 'token401', 'none'] } })
    const token = await tokenFrom(sim)
    const unavailable = await sendAgentless(sim, token, webmessaging)
    expect(unavailable.status).toBe(503)
    expect(await unavailable.json()).toMatchObject({ code: 'service.unavailable', contextId: expect.any(String) })
    const limited = await sendAgentless(sim, token, webmessaging)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const expired = await sendAgentless(sim, token, webmessaging)
    expect(expired.status).toBe(401)
    expect(await expired.json()).toMatchObject({ code: 'credentials.expired' })
    // The faulted token stays revoked; a new one works.
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(401)
    expect((await sendAgentless(sim, await tokenFrom(sim), webmessaging)).status).toBe(200)
  })

  it('holds a timeout-faulted request, then answers 504', async () => {
    const sim = await simulator({ faults: { timeout: 1, timeoutHoldMs: 50 } })
    const response = await sendAgentless(sim, await tokenFrom(sim), webmessaging)
    expect(response.status).toBe(504)
    expect(await response.json()).toMatchObject({ code: 'request.timeout' })
    expect(sim.agentlessRequests()[0]).toMatchObject({ fault: 'timeout', status: 504 })
  })

  it('setFaults replaces the faults, and reset() restores the initial ones', async () => {
    const sim = await simulator({ faults: { http5xx: 1 } })
    const token = await tokenFrom(sim)
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(503)
    sim.setFaults(undefined)
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(200)
    sim.reset()
    expect(sim.requests).toHaveLength(0)
    expect((await sendAgentless(sim, token, webmessaging)).status).toBe(503)
  })

  it('close() does not wait for a held request', async () => {
    const sim = await startGenesysSimulator({ faults: { timeout: 1, timeoutHoldMs: 600_000 } })
    const token = await tokenFrom(sim)
    const pending = sendAgentless(sim, token, webmessaging).then(
      (r) => r.status,
      () => 'aborted',
    )
    while (sim.agentlessRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await sim.close()
    expect(await pending).toBe('aborted')
  })
})
