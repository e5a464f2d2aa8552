/**
 * GenesysMessaging on the official SDK `purecloud-platform-client-v2`, whose types check every agentless body.
 * The token, re-login on 401 and failure classification come from the shared layer (genesys-http/); the SDK
 * only makes the call, with the layer's token set just before it.
 *
 * SDK facts this relies on (read in node_modules/purecloud-platform-client-v2/src, v262):
 * - `new ApiClientClass()` gives an independent client with its own Configuration (gateway, token,
 *   timeout); only the first one ever made becomes the `ApiClient.instance` singleton, and every `*Api`
 *   takes the client to use. So several adapters with different gateways can live in one process.
 * - Each Configuration reads ~/.genesyscloudjavascript/config and `fs.watchFile`s it while
 *   `live_reload_config` is true; setting it false calls `fs.unwatchFile`. The file's settings are
 *   overridden below (gateway, environment, logging), so a developer's file cannot redirect or log calls.
 * - The HTTP timeout is copied from `client.timeout` into the lazily made DefaultHttpClient.
 * - With `setReturnExtendedResponses(true)` results are `{status, headers, body}` and HTTP failures reject
 *   with the same shape (+ `error`); network failures reject with the raw AxiosError; a missing required argument is a *string* thrown synchronously. None are `Error`s we
 *   can pass on: the AxiosError's config carries the Authorization header, so it is never attached or logged.
 * - A client-credentials token is never refreshed by the SDK (docs/genesys-platform.md).
 */
import { regionHost } from './genesys-regions.ts'
import { GENESYS_OPERATIONS } from '../metrics-names.ts'
import platformClient from 'purecloud-platform-client-v2'
import type { AgentlessSendResult, ConversationAttributes, ConversationSearch, GenesysMessaging } from '../domain/ports.ts'
import { describeFailure } from './genesys-http/failure.ts'
import { agentlessMessageQuery, readLookupAnswer } from './genesys-conversation-search.ts'
import type { AgentlessRequest } from '../domain/payload.ts'
import { classifyApiFailure, createGenesysSession, type GenesysSessionOptions } from './genesys-http/index.ts'

export { classifyApiFailure, GenesysApiError, retryAfterSeconds } from './genesys-http/index.ts'

type SdkClient = typeof platformClient.ApiClient
type SendResponse = platformClient.Models.SendAgentlessOutboundMessageResponse

/** What every call resolves to with extended responses on. */
interface ExtendedResponse<T> {
  status: number
  headers: unknown
  body?: T
}

/** The shared layer's options (credentials, region or `http(s)://host[:port][/prefix]` gateway, timeout, pacer hook). */
export type GenesysClientOptions = GenesysSessionOptions

export type GenesysClient = GenesysMessaging & ConversationSearch & { close(): void }

const ApiClientClass: new () => SdkClient = (platformClient as unknown as { ApiClientClass?: new () => SdkClient }).ApiClientClass ?? (platformClient.ApiClient.constructor as new () => SdkClient)

// Importing the SDK builds its singleton, which watches the config file; this adapter never uses it.
platformClient.ApiClient.config.live_reload_config = false

export interface Gateway {
  protocol: string
  host: string
  port?: number
  path_params_login?: string
  path_params_api?: string
}

/** `setEnvironment` cannot point at localhost (it forces https and `api.`/`login.` hosts); a gateway can. */
export function gatewayFromUrl(gatewayUrl: string): Gateway {
  let url: URL
  try {
    url = new URL(gatewayUrl)
  } catch {
    throw new Error(`invalid Genesys gateway URL "${gatewayUrl}": expected http(s)://host[:port]`)
  }
  const protocol = url.protocol.replace(/:$/, '')
  if (protocol !== 'http' && protocol !== 'https') {
    throw new Error(`invalid Genesys gateway URL "${gatewayUrl}": the protocol must be http or https`)
  }
  const prefix = url.pathname.replace(/\/+$/, '')
  return {
    protocol,
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(prefix ? { path_params_login: prefix, path_params_api: prefix } : {}),
  }
}

function newSdkClient(options: GenesysClientOptions, timeoutMs: number): SdkClient {
  const client = new ApiClientClass()
  client.config.live_reload_config = false
  client.config.setConfigPath('')
  // A developer's config file may have turned SDK logging on; its log lines include request headers.
  const logger = client.config.logger
  logger.log_level = 'none'
  logger.log_to_console = false
  logger.log_file_path = ''
  logger.setLogger()
  client.setEnvironment(regionHost(options.region ?? 'mypurecloud.com'))
  // setGateway(undefined) clears a gateway the config file may have set; the d.ts does not allow it.
  client.setGateway((options.gatewayUrl ? gatewayFromUrl(options.gatewayUrl) : undefined) as Gateway)
  client.setReturnExtendedResponses(true)
  // The login request and every API call read the DefaultHttpClient's timeout, not ApiClient.timeout.
  ;(client as SdkClient & { timeout: number }).timeout = timeoutMs
  client.getHttpClient().setTimeout(timeoutMs)
  return client
}

// ---------------------------------------------------------------- the adapter

/** What every call resolves to with extended responses on. */
interface ExtendedResponse<T> {
  status: number
  headers: unknown
  body?: T
}

export function createGenesysClient(options: GenesysClientOptions): GenesysClient & ConversationAttributes {
  const clock = options.clock ?? { now: () => Date.now() }
  // The shared layer owns the token, re-login and classification; the SDK only makes the typed call.
  const session = createGenesysSession(options)
  const sdk = newSdkClient(options, options.timeoutMs ?? 10_000)
  const conversations = new platformClient.ConversationsApi(sdk)
  const analytics = new platformClient.AnalyticsApi(sdk)

  async function call<T>(operation: string, request: () => Promise<unknown>): Promise<ExtendedResponse<T>> {
    try {
      const response = (await session.withToken(async (token) => {
        // Synchronous up to the request: the SDK reads the token while building it, so concurrent calls cannot mix tokens.
        sdk.setAccessToken(token)
        const started = performance.now()
        try {
          return await request()
        } finally {
          options.onRequestTime?.(operation, performance.now() - started)
        }
      })) as ExtendedResponse<T>
      session.observe(response.headers)
      return response
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'headers' in error) session.observe((error as { headers: unknown }).headers)
      throw error
    }
  }

  /** A call whose failure is thrown as an Error that names the status and code only (never the request). */
  async function callOrThrow<T>(operation: string, request: () => Promise<unknown>): Promise<ExtendedResponse<T>> {
    try {
      return await call<T>(operation, request)
    } catch (error) {
      throw new Error(`${operation}: ${describeFailure(classifyApiFailure(error, clock.now()))}`)
    }
  }

  return {
    async sendAgentless(request: AgentlessRequest): Promise<AgentlessSendResult> {
      try {
        const response = await call<SendResponse>(GENESYS_OPERATIONS.agentless.operation, () => conversations.postConversationsMessagesAgentless(request))
        const body = response.body ?? {}
        const messageId = body.message?.id ?? body.id
        return {
          ok: true,
          status: response.status,
          ...(messageId ? { messageId } : {}),
          ...(body.conversationId ? { conversationId: body.conversationId } : {}),
        }
      } catch (error) {
        return classifyApiFailure(error, clock.now())
      }
    },

    async findAgentlessMessage({ recipient, from, to }) {
      try {
        const response = await call<unknown>('postAnalyticsConversationsDetailsQuery', () => analytics.postAnalyticsConversationsDetailsQuery(agentlessMessageQuery(recipient, from, to)))
        return readLookupAnswer(response.body)
      } catch (error) {
        const failure = classifyApiFailure(error, clock.now())
        return { kind: 'failed', reason: describeFailure(failure).slice(0, 300), ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) }
      }
    },

    async customerParticipantId(conversationId) {
      const response = await callOrThrow<platformClient.Models.MessageConversation>('GET /api/v2/conversations/messages/{conversationId}', () => conversations.getConversationsMessage(conversationId))
      // UNVERIFIED in a real org: that the agentless conversation's recipient is the participant of purpose `customer`.
      const participants = Array.isArray(response.body?.participants) ? response.body.participants : []
      return participants.find((participant) => participant.purpose === 'customer' && typeof participant.id === 'string')?.id
    },

    async writeParticipantAttributes(conversationId, participantId, attributes) {
      await callOrThrow('PATCH /api/v2/conversations/messages/{conversationId}/participants/{participantId}/attributes', () =>
        conversations.patchConversationsMessageParticipantAttributes(conversationId, participantId, { body: { attributes: { ...attributes } } }),
      )
    },

    close() {
      session.close()
      sdk.setAccessToken('')
    },
  }
}
