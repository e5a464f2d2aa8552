/**
 * Compile-time checks that the domain's AgentlessRequest stays in step with the SDK's
 * SendAgentlessOutboundMessageRequest. `expectTypeOf` does nothing at run time: these assertions
 * are enforced by `tsc --noEmit -p .` (npm run typecheck), which includes test/.
 */
import type platformClient from 'purecloud-platform-client-v2'
import { describe, expectTypeOf, it } from 'vitest'
import { AGENTLESS_FIELDS, buildAgentlessRequest, type AgentlessRequest, type MessagingTemplate } from '../../lib/domain/payload.ts'

type SdkRequest = platformClient.Models.SendAgentlessOutboundMessageRequest

describe('AgentlessRequest and the SDK model', () => {
  it('is assignable to Models.SendAgentlessOutboundMessageRequest', () => {
    expectTypeOf<AgentlessRequest>().toExtend<SdkRequest>()
    const request = buildAgentlessRequest({ channel: 'sms', address: '+13175555555' }, { fromAddress: '+13170000000', text: '' }, 'hi')
    expectTypeOf(request).toExtend<SdkRequest>()
  })

  it('has exactly the SDK model\'s fields, and AGENTLESS_FIELDS lists them', () => {
    expectTypeOf<keyof AgentlessRequest>().toEqualTypeOf<keyof SdkRequest>()
    expectTypeOf<(typeof AGENTLESS_FIELDS)[number]>().toEqualTypeOf<keyof SdkRequest>()
  })

  it('has the same required fields as the SDK model', () => {
    type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T]
    expectTypeOf<RequiredKeys<AgentlessRequest>>().toEqualTypeOf<RequiredKeys<SdkRequest>>()
  })

  it('rejects the invented fromAddressId, as the SDK model does', () => {
    // @ts-expect-error fromAddressId is not a field of SendAgentlessOutboundMessageRequest
    const sdk: SdkRequest = { fromAddressId: 'd', toAddressMessengerType: 'webmessaging' }
    // @ts-expect-error nor of AgentlessRequest
    const domain: AgentlessRequest = { fromAddressId: 'd', toAddressMessengerType: 'webmessaging' }
    expectTypeOf(sdk).not.toBeAny()
    expectTypeOf(domain).not.toBeAny()
  })
})

describe('MessagingTemplate and the SDK model', () => {
  type SdkTemplate = platformClient.Models.SendMessagingTemplateRequest
  it('has exactly the fields of Models.SendMessagingTemplateRequest, carouselParameters included', () => {
    expectTypeOf<keyof MessagingTemplate>().toEqualTypeOf<keyof SdkTemplate>()
    expectTypeOf<MessagingTemplate>().toExtend<SdkTemplate>()
    expectTypeOf<NonNullable<MessagingTemplate['carouselParameters']>>().toEqualTypeOf<platformClient.Models.CarouselParameters>()
  })
})
