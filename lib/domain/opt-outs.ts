/**
 * Opt-outs: a customer on the opt-out list is never requested (presence) nor sent (send).
 *
 * The list is keyed by the customer's key (address.ts `customerKey`: the address normalised the way send builds
 * the agentless body, E.164 for SMS, digits for WhatsApp), so `+1 (555) 333-0001` and `+15553330001` are one
 * entry. The adapter stores only the key's SHA-256, never the address.
 */
import { customerKey, normaliseAddress, normaliseContactId } from './address.ts'
import { CHANNELS, type Channel, type CustomerAddress } from './model.ts'

/** One customer on the opt-out list. */
export interface OptOut {
  /** When the customer was added (epoch ms). */
  readonly since: number
}

export type OptOutKey = { readonly ok: true; readonly channel: Channel; readonly key: string } | { readonly ok: false; readonly problem: string }

const isChannel = (value: string): value is Channel => (CHANNELS as readonly string[]).includes(value)

/**
 * The list key for an address an operator gives (`proactive suppress`, an import file, `--suppress FILE`).
 * Web Messaging customers are addressed by their contact id, so there the "address" is the contact id. A value
 * that cannot be normalised is an error describing its shape, never its digits.
 */
export function optOutKeyOf(channel: string, address: string): OptOutKey {
  const wanted = channel.trim().toLowerCase()
  if (!isChannel(wanted)) return { ok: false, problem: `channel ${JSON.stringify(channel.slice(0, 40))} is not one of ${CHANNELS.join(', ')}` }
  if (wanted === 'webmessaging') {
    const contact = normaliseContactId(address.trim())
    if (!contact.ok) return { ok: false, problem: `address (a Web Messaging contact id) ${contact.problem}` }
    return { ok: true, channel: wanted, key: customerKey({ channel: wanted, externalContactId: contact.value }) }
  }
  const normalised = normaliseAddress(wanted, address)
  if (!normalised.ok) return { ok: false, problem: `address ${normalised.problem}` }
  return { ok: true, channel: wanted, key: customerKey({ channel: wanted, address: normalised.value }) }
}

/** The list key of a request's customer. */
export const optOutKeyOfCustomer = (customer: CustomerAddress): string => customerKey(customer)

/** The requests whose customer is not on the list, and how many were left out. */
export function withoutOptedOut<R extends { readonly customer: CustomerAddress }>(requests: readonly R[], optedOut: ReadonlyMap<string, OptOut>): { readonly kept: R[]; readonly optedOut: number } {
  const kept = requests.filter((request) => !optedOut.has(optOutKeyOfCustomer(request.customer)))
  return { kept, optedOut: requests.length - kept.length }
}
