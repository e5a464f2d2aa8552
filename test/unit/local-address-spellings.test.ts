import { describe, expect, it } from 'vitest'
import { normaliseAddress, normaliseContactId } from '#lib/domain/address.ts'
import { spellingsOf } from '../../local/address-spellings.ts'
import { buildWorkload } from '../../local/load.ts'
import { personOfBody, recipientOfWorkloadCustomer } from '../../bench/recipients.ts'

const AT = Date.parse('2026-03-02T09:00:00Z')

describe('address spellings of the chaos suite', () => {
  it.each([
    ['SMS', 'sms', '+13175000007', '+13175000007'],
    ['WHATSAPP', 'whatsapp', '+13175000007', '13175000007'],
    ['OPEN', 'open', 'customer-7@open.example', 'customer-7@open.example'],
  ] as const)('writes a %s address several ways, each one the recorder normalises to the same customer', (type, channel, address, canonical) => {
    const spellings = spellingsOf(type, address)
    expect(new Set(spellings).size).toBe(spellings.length)
    expect(spellings.length).toBeGreaterThan(1)
    for (const spelling of spellings) expect(normaliseAddress(channel, spelling)).toEqual({ ok: true, value: canonical })
  })

  it('keeps the + on every SMS spelling (a national number is refused) and writes WhatsApp with and without it', () => {
    expect(spellingsOf('SMS', '+13175000007')).toEqual(['+13175000007', 'tel:+13175000007', 'sms:+13175000007', '+1 317 500 0007', '+1 (317) 500-0007', '+1.317.500.0007', '+1-317-500-0007'])
    expect(spellingsOf('WHATSAPP', '+13175000007')).toContain('13175000007')
  })

  it('writes a contact id in upper and lower case, one customer', () => {
    const id = 'a1b2c3d4-0000-4000-8000-00000000abcd'
    for (const spelling of spellingsOf('WEBMESSAGING', id)) expect(normaliseContactId(spelling)).toEqual({ ok: true, value: id })
  })

  it('tells a person by digits or lower-case contact id, without the project normaliser', () => {
    expect(personOfBody({ toAddressMessengerType: 'sms', toAddress: '+1 (317) 500-0005' })).toBe(recipientOfWorkloadCustomer(5))
    expect(personOfBody({ toAddressMessengerType: 'whatsapp', toAddress: '+13175000006' })).toBe(recipientOfWorkloadCustomer(6))
  })
})

describe('buildWorkload respelledShare', () => {
  const options = { customers: 24, conversations: 48, agents: 3, at: AT, seed: 5, stillConnectedShare: 0.1, busyShare: 0.15 }

  it('is off by default: every conversation uses the canonical address', () => {
    const workload = buildWorkload(options)
    expect(workload.spellings.size).toBe(0)
    const addresses = workload.conversationEvents.map((event) => (event.detail.eventBody as { addressFrom?: string }).addressFrom).filter((a) => a !== undefined)
    expect(addresses.every((address) => /^\+1317\d{7}$/.test(address) || /@open\.example$/.test(address))).toBe(true)
  })

  it('writes customers several ways and keeps the same customers, eligible and busy sets as without it', () => {
    const plain = buildWorkload(options)
    const respelled = buildWorkload({ ...options, respelledShare: 0.75 })
    expect(respelled.eligibleCustomers).toEqual(plain.eligibleCustomers)
    expect(respelled.busyCustomers).toEqual(plain.busyCustomers)
    expect(respelled.customerOfConversation).toEqual(plain.customerOfConversation)
    expect([...respelled.spellings.values()].some((spellings) => spellings.size > 1)).toBe(true)
    // Deterministic for a seed.
    expect(buildWorkload({ ...options, respelledShare: 0.75 }).conversationEvents).toEqual(respelled.conversationEvents)
  })
})
