/** What a dry run reports of the body it would have sent: the recipient masked, everything else as built. */
import { describe, expect, it } from 'vitest'
import { maskAddress, maskedAgentlessBody } from '#lib/domain/masked-body.ts'

describe('maskAddress', () => {
  it('keeps only the last 4 characters of anything longer than 4', () => {
    expect(maskAddress('+13175550123')).toBe('…0123')
    expect(maskAddress('12345')).toBe('…2345')
  })

  it('hides an address of 4 characters or fewer entirely', () => {
    expect(maskAddress('1234')).toBe('…')
    expect(maskAddress('12')).toBe('…')
    expect(maskAddress('')).toBe('…')
  })
})

describe('maskedAgentlessBody', () => {
  it('masks toAddress and leaves the rest of the body as built', () => {
    const body = { fromAddress: '+18005550100', toAddress: '+13175550123', toAddressMessengerType: 'sms', textBody: 'An agent is free now' }
    expect(maskedAgentlessBody(body)).toEqual({ fromAddress: '+18005550100', toAddress: '…0123', toAddressMessengerType: 'sms', textBody: 'An agent is free now' })
    expect(body.toAddress).toBe('+13175550123')
  })

  it('masks externalContactId, and adds no recipient field the body did not have', () => {
    const body = { fromAddress: 'deployment-id', externalContactId: '6c2b4b1e-8a51-4d5f-9b3a-0f6b1f7a2c11', toAddressMessengerType: 'webmessaging', textBody: 'Hi' }
    const masked = maskedAgentlessBody(body)
    expect(masked).toEqual({ fromAddress: 'deployment-id', externalContactId: '…2c11', toAddressMessengerType: 'webmessaging', textBody: 'Hi' })
    expect('toAddress' in masked).toBe(false)
    const bySms = maskedAgentlessBody({ fromAddress: 'x', toAddress: '+13175550123', toAddressMessengerType: 'sms' })
    expect('externalContactId' in bySms).toBe(false)
  })
})
