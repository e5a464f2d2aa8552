/**
 * One normalisation of a customer's address, used wherever a customer is identified: the session record, the
 * cap key (cap ledger), the opt-out list and the agentless body. Two spellings of one number are one
 * customer, so the 24 h cap cannot be bypassed by `+447700900555` vs `447700900555`.
 *
 * - SMS: E.164. `tel:` / `sms:` prefixes, spaces and punctuation are stripped; a number without `+` and a
 *   country code (a national number) is an error, since which country it belongs to cannot be known.
 * - WhatsApp: the WhatsApp id, the number's digits without `+` (what the agentless endpoint takes).
 * - Contact ids (externalContactId): the canonical lower-case UUID; anything else (an e-mail, invisible or
 *   direction-override characters) is an error.
 * - Open Messaging: the address as given, trimmed, with no control or invisible characters.
 *
 * Errors describe the value's shape (`+9 (999) 999-9999`), never its digits: they end up in logs.
 */
import type { Channel, CustomerAddress } from './model.ts'

export type Normalised = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: string }

/**
 * E.164 (ITU-T Recommendation E.164): a + and at most 15 digits, the first (the country code's) not 0. The standard
 * sets no minimum length beyond the country code, so neither does this rule: the one rule for settings, stored
 * addresses and requests.
 */
export const E164 = /^\+[1-9]\d{1,14}$/
/** A WhatsApp id: the E.164 number's digits without the + (SendAgentlessOutboundMessageRequest.toAddress). */
export const WHATSAPP_ID = /^[1-9]\d{1,14}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Visual separators people and systems put in phone numbers. */
const SEPARATORS = /[\s\u00a0().\-/]/g
/** Control, format (zero-width, bidi overrides), unassigned and private-use characters. */
const INVISIBLE = /\p{C}/u
const MAX_ADDRESS = 512

const ok = (value: string): Normalised => ({ ok: true, value })
const fail = (value: string, problem: string): Normalised => ({ ok: false, problem: `${problem} (got ${shapeOf(value)})` })

/**
 * The value's shape without its content: digits become 9, letters a/A, invisible characters <U+XXXX>;
 * punctuation is kept. Cut to 40 characters, with the length.
 */
export function shapeOf(value: string): string {
  const chars = [...value]
  const shape = chars
    .slice(0, 40)
    .map((c) => (/\p{Nd}/u.test(c) ? '9' : /\p{Lu}/u.test(c) ? 'A' : /\p{L}/u.test(c) ? 'a' : INVISIBLE.test(c) ? `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>` : c))
    .join('')
  return `${JSON.stringify(shape)}${chars.length > 40 ? '…' : ''}, ${chars.length} characters`
}

export function normaliseSmsNumber(raw: string): Normalised {
  if (INVISIBLE.test(raw.replace(/[\s\u00a0]/g, ''))) return fail(raw, 'contains invisible or control characters')
  const stripped = raw
    .trim()
    .replace(/^(tel|sms):/i, '')
    .replace(SEPARATORS, '')
  if (!stripped.startsWith('+')) return fail(raw, 'is not an international number: expected + and the country code (E.164); a national number cannot be placed')
  if (!E164.test(stripped)) return fail(raw, 'is not an E.164 phone number: expected + and at most 15 digits, the first not 0')
  return ok(stripped)
}

export function normaliseWhatsappId(raw: string): Normalised {
  if (INVISIBLE.test(raw.replace(/[\s\u00a0]/g, ''))) return fail(raw, 'contains invisible or control characters')
  const stripped = raw
    .trim()
    .replace(/^(whatsapp|tel):/i, '')
    .replace(SEPARATORS, '')
    .replace(/^\+/, '')
  if (!WHATSAPP_ID.test(stripped)) return fail(raw, 'is not a WhatsApp id: expected the international number, at most 15 digits, the first not 0')
  return ok(stripped)
}

export function normaliseContactId(raw: string): Normalised {
  if (!UUID.test(raw)) return fail(raw, 'is not a contact id: expected a UUID (8-4-4-4-12 hexadecimal digits)')
  return ok(raw.toLowerCase())
}

export function normaliseOpenAddress(raw: string): Normalised {
  const trimmed = raw.trim()
  if (trimmed === '') return fail(raw, 'is empty')
  if (INVISIBLE.test(trimmed)) return fail(raw, 'contains invisible or control characters')
  if (trimmed.length > MAX_ADDRESS) return fail(raw, `is longer than ${MAX_ADDRESS} characters`)
  return ok(trimmed)
}

/** The address (not the contact id) of a customer on `channel`, normalised. */
export function normaliseAddress(channel: Channel, raw: string): Normalised {
  switch (channel) {
    case 'sms':
      return normaliseSmsNumber(raw)
    case 'whatsapp':
      return normaliseWhatsappId(raw)
    case 'open':
      return normaliseOpenAddress(raw)
    case 'webmessaging':
      // Web Messaging is addressed by the contact id; an address has no use there.
      return normaliseOpenAddress(raw)
  }
}

/** The customer with its address and contact id normalised; a part that cannot be normalised is kept as stored. */
export function normaliseCustomer(customer: CustomerAddress): CustomerAddress {
  const address = customer.address === undefined ? undefined : normaliseAddress(customer.channel, customer.address)
  const contact = customer.externalContactId === undefined ? undefined : normaliseContactId(customer.externalContactId)
  return {
    ...customer,
    ...(address?.ok ? { address: address.value } : {}),
    ...(contact?.ok ? { externalContactId: contact.value } : {}),
  }
}

/**
 * Identifies a customer on a channel, on what the agentless request is addressed to, normalised: one number is
 * one customer whichever way an event wrote it. Holds personal data: store it hashed, never log it.
 */
export function customerKey(customer: CustomerAddress): string {
  const { channel, address, externalContactId } = normaliseCustomer(customer)
  const id = channel === 'webmessaging' ? externalContactId : address || externalContactId
  return `${channel}:${id ?? ''}`
}
