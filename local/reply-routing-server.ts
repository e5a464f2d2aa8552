/**
 * The reply-routing look-up served locally: the real handler (functions/reply-routing) behind an HTTP server on
 * 127.0.0.1, fed the Lambda function URL event shape, so a user can `curl` it while a scenario runs, with the
 * key the local cloud generated.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'
import type { HttpHandler } from '#functions/reply-routing/index.ts'
import { lambdaContext } from './lambda-event.ts'

export interface LocalReplyRouting {
  /** POST here (any path). */
  readonly url: string
  /** The key to present: `-u genesys:<key>` (Basic Auth) or `-H 'X-Reply-Routing-Key: <key>'`. */
  readonly key: string
  close(): Promise<void>
}

export const newRoutingKey = (): string => randomBytes(24).toString('base64url')

const MAX_BODY = 64 * 1024

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) break
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function toEvent(request: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]))
  const path = (request.url ?? '/').split('?')[0] ?? '/'
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: request.method ?? 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' } },
  } as unknown as APIGatewayProxyEventV2
}

export async function serveReplyRouting(handler: HttpHandler, key: string): Promise<LocalReplyRouting> {
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => handler(toEvent(request, body), lambdaContext('reply-routing')))
      .then((result) => {
        const { statusCode = 200, headers = {}, body = '' } = result as APIGatewayProxyStructuredResultV2
        response.writeHead(statusCode, headers as Record<string, string>).end(body)
      })
      .catch(() => {
        // As Lambda answers an invocation that threw: no detail.
        response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal Server Error' }))
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    key,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
