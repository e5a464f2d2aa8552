/**
 * A local stand-in for the Genesys Cloud Platform API subset this project uses: client-credentials
 * OAuth, the agentless send, the message-status read and the analytics conversation-details query (over the
 * messages it really accepted, delivered.ts), a user's queue memberships and the read-only org routes of `proactive check`.
 * It enforces the documented payload rules (through `checkAgentlessRequest`, the same function the send side
 * uses), the rate limit and permissions, and can inject faults deterministically.
 *
 * Parts: `state.ts` (tokens, rate counters, faults, recorded requests), `route.ts` (the route type and the
 * API-call guard), `reply.ts` (answers in the Platform API's shapes), and one file per route family under
 * `routes/`. To serve a new route, write it under `routes/` and add it to ROUTES below.
 *
 * Point the SDK at it with `setGateway({protocol: 'http', host: '127.0.0.1', port})`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorBody, rateHeaders, send } from './reply.ts'
import { matchRoute, type Route } from './route.ts'
import { agentless, AGENTLESS_PATH } from './routes/agentless.ts'
import { analyticsDetailsQuery } from './routes/analytics-details.ts'
import { messageStatus } from './routes/message-status.ts'
import { participantAttributes } from './routes/participant-attributes.ts'
import { oauthToken, TOKEN_PATH } from './routes/oauth-token.ts'
import { orgRoutes } from './routes/org.ts'
import { userQueues } from './routes/user-queues.ts'
import { routingUserUtilization } from './routes/utilization.ts'
import { SimulatorState } from './state.ts'
import type { GenesysSimulator, RecordedRequest, SimulatorOptions } from './types.ts'

export { AGENTLESS_PATH } from './routes/agentless.ts'
export { ANALYTICS_DETAILS_PATH } from './routes/analytics-details.ts'
export { SIMULATED_DELIVERY_FAILURE, type DeliveredMessage } from './delivered.ts'
export { TOKEN_PATH } from './routes/oauth-token.ts'
export { PERMISSION_ANALYTICS_DETAILS, PERMISSION_MESSAGE_VIEW, PERMISSION_QUEUES, PERMISSION_SEND, PERMISSION_UTILIZATION } from './state.ts'
export type * from './types.ts'

/** Every route served, first match wins. */
const ROUTES: readonly Route[] = [oauthToken, agentless, messageStatus, participantAttributes, analyticsDetailsQuery, userQueues, routingUserUtilization, ...orgRoutes]

function parseBody(raw: string, contentType: string | undefined, path: string): { body: unknown; parsed: boolean } {
  if (raw === '') return { body: undefined, parsed: false }
  if (path === TOKEN_PATH || contentType?.includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw)), parsed: true }
  }
  try {
    return { body: JSON.parse(raw) as unknown, parsed: true }
  } catch {
    return { body: raw, parsed: false }
  }
}

export async function startGenesysSimulator(options: SimulatorOptions = {}): Promise<GenesysSimulator> {
  const state = new SimulatorState(options)
  const { requests } = state

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://simulator.invalid')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const { body, parsed } = parseBody(rawBody, req.headers['content-type'], url.pathname)
      const method = req.method ?? 'GET'
      const record: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, receivedAt: state.now() }
      requests.push(record)
      const matched = matchRoute(ROUTES, method, url.pathname)
      if (matched) return matched.route.handle({ req, res, record, rawBody, body, parsed, params: matched.params, state })
      send(res, record, 404, errorBody(404, 'not.found', `${method} ${url.pathname} is not served by the Genesys simulator`), rateHeaders(state, undefined))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    agentlessRequests: () => requests.filter((r) => r.method === 'POST' && r.path === AGENTLESS_PATH),
    reset: () => state.reset(),
    setFaults: (faults) => state.setFaults(faults),
    expireTokens: () => state.expireTokens(),
    setRateLimit: (perWindow) => {
      if (!(Number.isInteger(perWindow) && perWindow > 0)) throw new Error(`setRateLimit: perWindow must be a positive integer, got ${perWindow}`)
      state.rateLimit = perWindow
    },
    setCompetingShare: (share) => {
      if (!(share >= 0 && share < 1)) throw new Error(`setCompetingShare: share must be from 0 to below 1, got ${share}`)
      state.competingShare = share
    },
    setUtilization: (utilization) => {
      state.utilization = utilization
    },
    delivered: () => [...state.delivered.values()],
    setAnalyticsLag: (ms) => {
      if (!(ms >= 0)) throw new Error(`setAnalyticsLag: ms must be 0 or more, got ${ms}`)
      state.analyticsLagMs = ms
    },
    setAnswer: (route, answer) => {
      if (route === 'status') state.statusAnswer = answer
      else state.queryAnswer = answer
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of state.held) clearTimeout(timer)
        state.held.clear()
        server.close((error) => (error ? reject(error) : resolve()))
        // Keep-alive sockets of SDK clients and held (timeout-fault) requests would keep close() waiting.
        server.closeAllConnections()
      }),
  }
}
