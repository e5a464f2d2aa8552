import type platformClient from 'purecloud-platform-client-v2'
import { expectTypeOf } from 'vitest'
type SdkRequest = platformClient.Models.SendAgentlessOutboundMessageRequest
expectTypeOf<{ fromAddress: string; toAddressMessengerType: string; bogus: 1 }>().toExtend<SdkRequest>()
expectTypeOf<'a' | 'bogus'>().toEqualTypeOf<keyof SdkRequest>()
