/**
 * Compile-time checks that the domain's AgentlessRequest and MessagingTemplate stay in step with the SDK's
 * models. Not a test file: `expectTypeOf` does nothing at run time, so vitest would count these as tests that
 * always pass. `npm run typecheck` (tsc --noEmit -p ., which includes test/) enforces them, and CI runs it.
 */
import type platformClient from 'purecloud-platform-client-v2'
import { expectTypeOf } from 'vitest'
import { type AGENTLESS_FIELDS, buildAgentlessRequest, type AgentlessRequest, type MessagingTemplate } from '#lib/domain/payload.ts'

type SdkRequest = platformClient.Models.SendAgentlessOutboundMessageRequest
type SdkTemplate = platformClient.Models.SendMessagingTemplateRequest
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T]

// AgentlessRequest is assignable to Models.SendAgentlessOutboundMessageRequest, and so is what we build.
expectTypeOf<AgentlessRequest>().toExtend<SdkRequest>()
expectTypeOf(buildAgentlessRequest).returns.toExtend<SdkRequest>()

// It has exactly the SDK model's fields, AGENTLESS_FIELDS lists them, and the same ones are required.
expectTypeOf<keyof AgentlessRequest>().toEqualTypeOf<keyof SdkRequest>()
expectTypeOf<(typeof AGENTLESS_FIELDS)[number]>().toEqualTypeOf<keyof SdkRequest>()
expectTypeOf<RequiredKeys<AgentlessRequest>>().toEqualTypeOf<RequiredKeys<SdkRequest>>()

// The invented fromAddressId is rejected by both.
// @ts-expect-error fromAddressId is not a field of SendAgentlessOutboundMessageRequest
export const sdkWithInventedField: SdkRequest = { fromAddressId: 'd', toAddressMessengerType: 'webmessaging' }
// @ts-expect-error nor of AgentlessRequest
export const domainWithInventedField: AgentlessRequest = { fromAddressId: 'd', toAddressMessengerType: 'webmessaging' }

// MessagingTemplate has exactly the fields of Models.SendMessagingTemplateRequest, carouselParameters included.
expectTypeOf<keyof MessagingTemplate>().toEqualTypeOf<keyof SdkTemplate>()
expectTypeOf<MessagingTemplate>().toExtend<SdkTemplate>()
expectTypeOf<NonNullable<MessagingTemplate['carouselParameters']>>().toEqualTypeOf<platformClient.Models.CarouselParameters>()
