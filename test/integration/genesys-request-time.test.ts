/**
 * Every Genesys HTTP request is timed and reported with its operation (GenesysRequestLatency on the dashboard,
 * p50 and p99 per operation): the login, the SDK's agentless send, and the plain-fetch lookups, one operation
 * per listing whatever its page; a failed request is timed too. Against the local Genesys simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staticCredentials } from '#lib/adapters/genesys-credentials.ts'
import { createGenesysSession } from '#lib/adapters/genesys-http/index.ts'
import { createGenesysQueueDirectory } from '#lib/adapters/genesys-queues-http.ts'
import { createGenesysClient } from '#lib/adapters/genesys-sdk.ts'
import { buildAgentlessRequest } from '#lib/domain/payload.ts'
import { GENESYS_OPERATIONS } from '#lib/metrics-names.ts'
import { startGenesysSimulator, type GenesysSimulator } from '../../local/genesys-simulator/index.ts'

const LOCAL = staticCredentials({ clientId: 'local-client', clientSecret: 'local-secret' })
let sim: GenesysSimulator
beforeAll(async () => {
  sim = await startGenesysSimulator({ deployments: ['deployment-1'] })
})
afterAll(() => sim.close())

function recorder(): { times: [string, number][]; onRequestTime: (operation: string, ms: number) => void } {
  const times: [string, number][] = []
  return { times, onRequestTime: (operation, ms) => void times.push([operation, ms]) }
}

describe('Genesys request time', () => {
  it('send: the login and the agentless call, each once, with a duration', async () => {
    const { times, onRequestTime } = recorder()
    const client = createGenesysClient({ gatewayUrl: sim.url, credentials: LOCAL, timeoutMs: 5_000, onRequestTime })
    const request = buildAgentlessRequest({ channel: 'webmessaging', externalContactId: 'contact-1' }, { fromAddress: 'deployment-1', text: '' }, 'An agent is available')
    expect((await client.sendAgentless(request)).ok).toBe(true)
    expect(times.map(([operation]) => operation)).toEqual([GENESYS_OPERATIONS.login.operation, GENESYS_OPERATIONS.agentless.operation])
    for (const [, ms] of times) expect(ms).toBeGreaterThanOrEqual(0)
    client.close()
  })

  it('a rejected send is timed as well', async () => {
    const { times, onRequestTime } = recorder()
    const client = createGenesysClient({ gatewayUrl: sim.url, credentials: LOCAL, timeoutMs: 5_000, onRequestTime })
    const request = buildAgentlessRequest({ channel: 'webmessaging', externalContactId: 'contact-1' }, { fromAddress: 'no-such-deployment', text: '' }, 'An agent is available')
    expect((await client.sendAgentless(request)).ok).toBe(false)
    expect(times.map(([operation]) => operation)).toContain(GENESYS_OPERATIONS.agentless.operation)
    client.close()
  })

  it("presence's queue listing: one operation name for every page, no page number in it", async () => {
    const { times, onRequestTime } = recorder()
    const directory = createGenesysQueueDirectory(createGenesysSession({ gatewayUrl: sim.url, credentials: LOCAL, timeoutMs: 5_000, onRequestTime }))
    await directory.queueIdsOf('agent-1')
    const operations = new Set(times.map(([operation]) => operation))
    expect(operations).toEqual(new Set([GENESYS_OPERATIONS.login.operation, GENESYS_OPERATIONS.userQueues.operation]))
  })
})
