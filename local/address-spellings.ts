/**
 * The ways one customer's address is written across conversations, as the session recorder accepts them
 * (lib/domain/address.ts, docs/security.md "One normalisation of a customer's identity"). The chaos suite's
 * `addresses` mix writes a customer differently in each conversation: still one customer, messaged once.
 */
import type { MessagingType } from './genesys-events.ts'

/** A North American E.164 number (`+1` and ten digits) written with separators: `+1 317 500 0007`, `+1 (317) 500-0007`. */
function grouped(e164: string, style: ' ' | '.' | '-' | '()'): string {
  const [area, exchange, line] = [e164.slice(2, 5), e164.slice(5, 8), e164.slice(8)]
  if (style === '()') return `+1 (${area}) ${exchange}-${line}`
  return ['+1', area, exchange, line].join(style)
}

/**
 * Accepted spellings of a customer's address on `channel`, the canonical one first. `address` is the canonical
 * form the workload uses: an E.164 `+1` number (SMS, WhatsApp), an Open Messaging address, or a contact id.
 * SMS always keeps the `+`: a national number is refused, its country cannot be known.
 */
export function spellingsOf(channel: MessagingType, address: string): readonly string[] {
  switch (channel) {
    case 'SMS':
      return [address, `tel:${address}`, `sms:${address}`, grouped(address, ' '), grouped(address, '()'), grouped(address, '.'), grouped(address, '-')]
    case 'WHATSAPP':
      return [address, address.slice(1), `whatsapp:${address}`, grouped(address, ' ')]
    case 'OPEN':
      return [address, ` ${address} `]
    case 'WEBMESSAGING':
      return [address, address.toUpperCase()]
  }
}
