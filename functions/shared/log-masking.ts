/**
 * Masking of personal data and secrets in every log line. `maskLogValue` is the Powertools Logger's
 * `jsonReplacerFn`: JSON.stringify calls it for every key and value of a log item (the message, extra keys,
 * formatted errors, nested objects), so it applies whatever a caller passes.
 *
 * Two rules:
 * - by key: values under keys that hold personal data (addresses, contact ids, message text) are masked;
 *   values under keys that hold secrets (client secret, tokens, authorization) are redacted;
 * - by content: in every other string, phone-number-like digit runs (E.164, WhatsApp ids) and e-mail
 *   addresses are replaced. UUIDs, ISO dates, IPv4 addresses and ARNs are left readable: ids and times.
 * Long strings are cut, so a hostile 256 KB field cannot become a 256 KB log line.
 */

export const MASKED = '[masked]'
export const REDACTED = '[redacted]'
export const MASKED_PHONE = '[phone]'
export const MASKED_EMAIL = '[email]'
/** Longest string kept in a log line, in UTF-16 code units. */
export const MAX_LOGGED_STRING = 2_000

/** Keys compare lower-case with `_`, `-` and spaces removed: `to_address`, `toAddress` and `To-Address` are one key. */
const normalise = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '')

/** Keys whose values are a customer's personal data, whatever their type. */
const PERSONAL_KEYS = new Set(
  [
    'textBody',
    'text',
    'messageText',
    'toAddress',
    'address',
    'addressFrom',
    'addressTo',
    'ani',
    'dnis',
    'externalContactId',
    'conversationExternalContactIds',
    'customerAddress',
    'recipient',
    'phone',
    'phoneNumber',
    'email',
    'emailAddress',
    'whatsappId',
  ].map(normalise),
)

/** Keys whose string values are raw payloads (an SQS record body, an HTTP body): masked when a string. */
const PAYLOAD_KEYS = new Set(['body', 'rawBody', 'payload'].map(normalise))

const SECRET_KEYS = new Set(['clientSecret', 'secret', 'secretString', 'password', 'authorization', 'proxyAuthorization', 'cookie', 'setCookie', 'apiKey', 'credentials'].map(normalise))

export function isSecretKey(key: string): boolean {
  const k = normalise(key)
  return SECRET_KEYS.has(k) || k.endsWith('token') || k.endsWith('secret') || k.includes('password')
}

export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEYS.has(normalise(key))
}

// Readable tokens, matched first so their digits are not taken for phone numbers. An ARN keeps its account id.
const ARN_PREFIX = /arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{12}:/
const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/
const ISO_DATE = /(?:19|20|21)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)/
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/
// Personal data.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/
// 7 to 15 digits (E.164 allows 15), optionally after `+` or `(`, with up to two separator characters between
// digits: +13175550100, 447700900123 (a WhatsApp id), +1 (317) 555-0100, 0317.555.0100.
const PHONE = /(?<!\d)\+?\(?\d(?:[\s().-]{0,2}\d){6,14}(?!\d)/

const TOKENS = new RegExp([ARN_PREFIX, UUID, ISO_DATE, IPV4, EMAIL, PHONE].map((pattern) => `(${pattern.source})`).join('|'), 'g')

/** Replaces phone-number-like digit runs and e-mail addresses in free text; ids and dates stay readable. */
export function maskPersonalData(text: string): string {
  const cut = text.length > MAX_LOGGED_STRING ? `${text.slice(0, MAX_LOGGED_STRING)}…(${text.length - MAX_LOGGED_STRING} more characters)` : text
  return cut.replace(TOKENS, (whole: string, arn?: string, uuid?: string, isoDate?: string, ipv4?: string, email?: string) => {
    if (arn || uuid || isoDate || ipv4) return whole
    return email ? MASKED_EMAIL : MASKED_PHONE
  })
}

/**
 * The Logger's `jsonReplacerFn` (Powertools calls it before its own rules, for every key of the log item).
 * Keys of arrays are indexes, and the root is the empty key: neither is ever masked by key.
 */
export function maskLogValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value
  if (key !== '' && isSecretKey(key)) return REDACTED
  if (key !== '' && isPersonalKey(key)) return MASKED
  if (typeof value === 'string') return PAYLOAD_KEYS.has(normalise(key)) ? MASKED : maskPersonalData(value)
  return value
}
