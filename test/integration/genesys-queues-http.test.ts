/** The presence function's fetch-based queue lookup, against the Genesys simulator. */
import platformClient from 'purecloud-platform-client-v2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staticCredentials, type CredentialsSource } from '../../lib/adapters/genesys-credentials.ts'
import { createGenesysQueueDirectory, GenesysHttpError } from '../../lib/adapters/genesys-queues-http.ts'
import { GENESYS_REGION_HOSTS, regionHost } from '../../lib/adapters/genesys-regions.ts'
import { startGenesysSimulator, type GenesysSimulator } from '../../local/genesys-simulator/index.ts'

const AGENT = '6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60'
const MANY = Array.from({ length: 250 }, (_, i) => `queue-${String(i).padStart(3, '0')}`)

let sim: GenesysSimulator
beforeAll(async () => {
  sim = await startGenesysSimulator({
    queueMemberships: { [AGENT]: MANY, lonely: [] },
    clients: { 'local-client': { secret: 'local-secret' }, 'no-queues': { secret: 's', permissions: ['conversation:message:create'] } },
  })
})
afterAll(async () => sim?.close())

function countingCredentials(clientId = 'local-client', clientSecret = 'local-secret'): CredentialsSource & { invalidations: number } {
  const inner = staticCredentials({ clientId, clientSecret })
  const source = { invalidations: 0, get: () => inner.get(), invalidate: () => void source.invalidations++ }
  return source
}

describe('createGenesysQueueDirectory', () => {
  it('pages through every queue of the agent with one token', async () => {
    sim.reset()
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials: countingCredentials() })
    expect(await directory.queueIdsOf(AGENT)).toEqual(MANY)
    expect(await directory.queueIdsOf('lonely')).toEqual([])
    const paths = sim.requests.map((request) => request.path)
    expect(paths.filter((path) => path === '/oauth/token')).toHaveLength(1)
    expect(paths.filter((path) => path.endsWith('/queues'))).toHaveLength(4)
  })

  it('logs in again once when the token is rejected, dropping the cached secret', async () => {
    const credentials = countingCredentials()
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials })
    await directory.queueIdsOf('lonely')
    sim.expireTokens()
    expect(await directory.queueIdsOf('lonely')).toEqual([])
    expect(credentials.invalidations).toBe(1)
  })

  it('fails with the status and Genesys code, and no token, when permission is missing', async () => {
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials: countingCredentials('no-queues', 's') })
    const error = await directory.queueIdsOf(AGENT).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GenesysHttpError)
    expect(error).toMatchObject({ status: 403, code: 'missing.permissions' })
    expect((error as Error).message).toBe('Genesys GET /api/v2/users/{userId}/queues failed with 403 (missing.permissions)')
  })

  it('fails clearly on bad credentials', async () => {
    const credentials = countingCredentials('local-client', 'wrong')
    const error = await createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials }).queueIdsOf(AGENT).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' })
    expect(credentials.invalidations).toBe(1)
  })
})

describe('region hosts', () => {
  it('are the SDK\'s PureCloudRegionHosts', () => {
    expect(GENESYS_REGION_HOSTS).toEqual({ ...platformClient.PureCloudRegionHosts })
  })

  it('resolve hosts and keys', () => {
    expect(regionHost('eu_west_1')).toBe('mypurecloud.ie')
    expect(regionHost('https://api.mypurecloud.de/')).toBe('mypurecloud.de')
    expect(() => regionHost('moon')).toThrow(/unknown Genesys region "moon"/)
  })
})
