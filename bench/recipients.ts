/** Who Genesys accepted a message for, from the simulator's log, keyed so that workload customers can be matched. */
import type { RecordedRequest } from '../local/genesys-simulator/index.ts'
import { uuidFrom } from '../local/genesys-events.ts'

const CHANNELS = ['webmessaging', 'sms', 'whatsapp', 'open'] as const

/** channel:address, without a leading + (WhatsApp ids carry none). */
export function recipientOfBody(body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>
  const id = String(b.externalContactId ?? b.toAddress ?? '')
  return `${String(b.toAddressMessengerType)}:${id.replace(/^\+/, '')}`
}

/**
 * Who a message went to as a person, whatever the spelling: an SMS or WhatsApp number's digits, the lower-case
 * contact id, the trimmed Open address; keys match `recipientOfWorkloadCustomer`. Deliberately not
 * lib/domain/address.ts: the chaos suite's `addresses` mix uses it to catch that normaliser failing.
 */
export function personOfBody(body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>
  const channel = String(b.toAddressMessengerType)
  if (channel === 'webmessaging') return `${channel}:${String(b.externalContactId ?? '').toLowerCase()}`
  const to = String(b.toAddress ?? '')
  return `${channel}:${channel === 'sms' || channel === 'whatsapp' ? to.replace(/\D/g, '') : to.trim()}`
}

/** The recipient key of customer `index` of a `buildWorkload` workload (local/load.ts addresses). */
export function recipientOfWorkloadCustomer(index: number): string {
  const channel = CHANNELS[index % CHANNELS.length] as (typeof CHANNELS)[number]
  if (channel === 'webmessaging') return `${channel}:${uuidFrom('contact', index)}`
  if (channel === 'open') return `${channel}:customer-${index}@open.example`
  return `${channel}:1317${String(5_000_000 + index).padStart(7, '0')}`
}

export interface DeliveryCheck {
  readonly expected: number
  /** Distinct recipients Genesys accepted a message for. */
  readonly messaged: number
  /** Recipients accepted more than once (must be 0). */
  readonly duplicates: number
  /** Eligible recipients never messaged. */
  readonly missing: number
  /** Recipients messaged that were not eligible. */
  readonly unexpected: number
}

export function checkDeliveries(agentless: readonly RecordedRequest[], expected: ReadonlySet<string>): DeliveryCheck {
  const counts = new Map<string, number>()
  for (const request of agentless) {
    if (request.status === undefined || request.status < 200 || request.status >= 300) continue
    const key = recipientOfBody(request.body)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  let missing = 0
  for (const key of expected) if (!counts.has(key)) missing++
  let unexpected = 0
  for (const key of counts.keys()) if (!expected.has(key)) unexpected++
  return {
    expected: expected.size,
    messaged: counts.size,
    duplicates: [...counts.values()].filter((count) => count > 1).length,
    missing,
    unexpected,
  }
}
