/** `POST /oauth/token`: the client-credentials grant, with the client id and secret in HTTP Basic auth. */
import { send } from '../reply.ts'
import type { Route } from '../route.ts'

export const TOKEN_PATH = '/oauth/token'

export const oauthToken: Route = {
  method: 'POST',
  path: TOKEN_PATH,
  handle({ req, res, record, rawBody, state }) {
    const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')
    const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : ''
    const colon = decoded.indexOf(':')
    const clientId = colon >= 0 ? decoded.slice(0, colon) : ''
    const secret = colon >= 0 ? decoded.slice(colon + 1) : ''
    if (clientId) record.clientId = clientId
    const client = state.clients[clientId]
    if (!client || client.secret !== secret) {
      send(res, record, 401, { error: 'invalid_client', description: 'client id or secret is invalid' })
      return
    }
    const grantType = new URLSearchParams(rawBody).get('grant_type')
    if (grantType !== 'client_credentials') {
      send(res, record, 400, { error: 'unsupported_grant_type', description: `grant_type ${JSON.stringify(grantType)} is not supported; use client_credentials` })
      return
    }
    const accessToken = state.issueToken(clientId)
    send(res, record, 200, { access_token: accessToken, token_type: 'bearer', expires_in: state.tokenTtlSeconds })
  },
}
