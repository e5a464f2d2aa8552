/** What each Genesys error code and HTTP status means for an agentless send, and what to check. */
import { TEXT_LIMITS } from '#lib/domain/payload.ts'
import { AGENTLESS_ENDPOINT as AGENTLESS_PATH } from './forum-shapes.ts'

export const PERMISSION = 'conversation:message:create'

export const TOKEN_ERRORS: Readonly<Record<string, { title: string; meaning: string[]; checks: string[] }>> = {
  invalid_client: {
    title: 'The login endpoint does not know this client id and secret',
    meaning: ["The client id or secret is wrong, or the OAuth client lives in another region: a client exists in one org, and its token must come from login.<that org's region host>."],
    checks: [
      'GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (or the Secrets Manager secret) match Admin > Integrations > OAuth',
      "GENESYS_REGION is the org's region (e.g. mypurecloud.ie for EU West 1); `proactive check` tries the token grant",
      'the OAuth client is active, not deleted',
      'the request sends Authorization: Basic base64(clientId:clientSecret)',
    ],
  },
  unauthorized_client: {
    title: 'This OAuth client may not use the client-credentials grant',
    meaning: ['Agentless sends need a client whose grant type is Client Credentials.'],
    checks: [`Admin > Integrations > OAuth: create a client with grant type "Client Credentials" and give it a role with ${PERMISSION}`],
  },
  unsupported_grant_type: {
    title: 'The token request asked for a grant type the endpoint does not support',
    meaning: ['The body must be form-encoded: grant_type=client_credentials.'],
    checks: ['Content-Type: application/x-www-form-urlencoded and body grant_type=client_credentials'],
  },
  invalid_request: {
    title: 'The token request is malformed',
    meaning: ['POST /oauth/token expects Basic authentication and a form-encoded body grant_type=client_credentials.'],
    checks: ['Content-Type: application/x-www-form-urlencoded', 'Authorization: Basic base64(clientId:clientSecret)'],
  },
  invalid_scope: {
    title: 'The token request named scopes',
    meaning: [
      'UNVERIFIED: that the login endpoint answers invalid_scope to a client-credentials grant that names scopes (no Genesys sample of this response was found). What is documented: scopes apply only to user grants; a client-credentials client gets its access from the roles assigned to it.',
    ],
    checks: [`drop the scope parameter; assign a role with ${PERMISSION} to the OAuth client`],
  },
}

export interface StatusAdvice {
  readonly title: string
  readonly meaning: readonly string[]
  readonly checks: readonly string[]
  readonly retryable: boolean
}

export function adviceFor(status: number | undefined, code: string | undefined): StatusAdvice {
  if (code === 'too.many.requests' || code === 'too.many.requests.retry.after' || status === 429) {
    return {
      title: 'Rate limit exceeded',
      meaning: [
        'A client-credentials token allows about 300 requests a minute by default (client.credentials.token.rate.per.minute); some endpoints have lower limits.',
        "The call can be retried after the Retry-After header's seconds; the JS SDK does not retry by itself.",
      ],
      checks: [
        "wait Retry-After seconds before the next request (the project's sender does this through SQS visibility)",
        'lower GENESYS_BUDGET_PER_MINUTE, or its headroom, if other callers share the OAuth client',
        "the inin-ratelimit-allowed header on any response shows the org's actual allowance; `proactive check` compares it with the budget",
      ],
      retryable: true,
    }
  }
  if (code === 'missing.permissions' || code === 'missing.any.permissions' || status === 403) {
    return {
      title: 'The OAuth client is not allowed to do this',
      meaning: [`Agentless sends need the permission ${PERMISSION}. A client-credentials client gets permissions only from the roles assigned to it (scopes do not apply).`],
      checks: [
        `Admin > Integrations > OAuth > the client > Roles: assign a role that has Conversation > Message > Create (${PERMISSION}), in the right division`,
        'a new token is needed after changing roles',
        ...(code === 'missing.permissions' || code === 'missing.any.permissions'
          ? []
          : [
              'UNVERIFIED: a 403 without a missing.permissions code may mean the channel is not enabled or licensed for the org (WhatsApp agentless needs a CX 1 Digital Add-on II / CX 2 / CX 3 licence)',
            ]),
      ],
      retryable: false,
    }
  }
  if (code === 'bad.credentials' || code === 'authentication.required' || code === 'credentials.expired' || status === 401) {
    return {
      title: 'The access token is missing, expired or from another region',
      meaning: [
        "Tokens expire after the OAuth client's accessTokenValiditySeconds (default 24 hours, 5 minutes to 48 hours) and the JS SDK does not refresh client-credentials tokens.",
        'A token from login.<region host> is valid only on api.<the same region host>.',
      ],
      checks: ['send Authorization: Bearer <access_token>', 'get a new token and retry once; refresh before expires_in runs out', 'GENESYS_REGION is the same for the login and the API call'],
      retryable: true,
    }
  }
  if (code === 'not.found' || status === 404) {
    return {
      title: 'Not found: a wrong path or an id the org does not know',
      meaning: [
        `The agentless endpoint is ${AGENTLESS_PATH}. Paths from advice online such as /api/v2/conversations/messaging/external-messages do not exist.`,
        'Or an id in the request (Messenger deployment, integration) does not exist in this org and region.',
      ],
      checks: [
        `the request path is ${AGENTLESS_PATH}`,
        'fromAddress is a deployment or integration id of this org: `proactive check` looks each configured one up',
        'GENESYS_REGION: an id from another region is not found',
      ],
      retryable: false,
    }
  }
  if (status === 409) {
    return {
      title: 'The request conflicts with the current state of the conversation',
      meaning: ['UNVERIFIED: typically a conversation between this fromAddress and recipient is already active.'],
      checks: ['useExistingActiveConversation: true sends into the active conversation instead of starting one'],
      retryable: false,
    }
  }
  if (status === 413) {
    return {
      title: 'The request is too large (in bytes)',
      meaning: [
        'Genesys\'s 413 is "The request is over the size limit. Maximum bytes: …": it counts the bytes of the whole request body, not the characters of the text. Third-party copies of the limits table quote request.bytes.max = 512000 (UNVERIFIED for your org).',
        `The text-length rule (SMS ${TEXT_LIMITS.sms}, others ${TEXT_LIMITS.webmessaging} characters) is a different check, answered with 400.`,
      ],
      checks: ['the size of the serialised body in bytes (and any messageParams in the response naming the maximum)', 'run `proactive explain-payload` on the body for the text-length rule'],
      retryable: false,
    }
  }
  if (code === 'request.timeout' || code === 'service.unavailable' || (status !== undefined && status >= 500 && status !== 501)) {
    return {
      title: 'Genesys had a transient failure',
      meaning: ['5xx (except 501), service.unavailable and request.timeout are transient.'],
      checks: ['retry with exponential backoff', 'if it persists, check status.mypurecloud.com and quote the contextId to Genesys support'],
      retryable: true,
    }
  }
  if (code === 'bad.request' || status === 400) {
    return {
      title: 'Genesys rejected the request body',
      meaning: ['The payload breaks a rule of the agentless request or of its channel. The error bodies are terse; the field is often in details[].fieldName.'],
      checks: ['run `proactive explain-payload` on the exact body you sent: it names the field and prints a corrected body'],
      retryable: false,
    }
  }
  return {
    title: status === undefined ? 'An error without an HTTP status' : `HTTP ${status}`,
    meaning: ['No specific explanation is known for this response.'],
    checks: ['quote the contextId (if any) to Genesys support'],
    retryable: false,
  }
}

/** The error text people get when a backend posts a guest-side (or invented) Web Messaging body. */
export const GUEST_PROTOCOL_TEXT = /type must be 'message' or 'event'/i

export const GUEST_PAYLOAD_ADVICE: StatusAdvice = {
  title: 'This error is not from the agentless endpoint: the body that caused it is not an agentless request',
  meaning: [
    `The agentless request (${AGENTLESS_PATH}) has no \`type\` field: this error is not from the agentless endpoint. Its origin is UNVERIFIED (no Genesys source for the text was found); it resembles the Web Messaging guest protocol, the customer-side API of the Messenger in a browser.`,
    'A body with type "proactive", to: {type: "web", id: <guest session id>} and from: {type: "agent", id: <user id>} can never work from a backend: the guest side speaks as the customer in their own session, the recipient of a proactive message is the customer\'s externalContactId (not a guest session id), and the sender is the Messenger deployment (fromAddress), not an agent.',
  ],
  checks: [
    'run `proactive explain-payload` on the body you sent: it prints the agentless body (fromAddress = the deployment id, your channelId) with a marked placeholder for externalContactId',
    `send it with ${AGENTLESS_PATH} and a client-credentials token whose OAuth client has a role with ${PERMISSION}`,
    "take externalContactId from the conversation's customer participant, or from the customer.start event this pipeline records",
    'the path: /api/v2/conversations/messaging/external-messages and similar paths from advice online do not exist',
  ],
  retryable: false,
}
