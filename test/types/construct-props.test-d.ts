/**
 * Type tests (vitest typecheck mode: checked by tsc, never executed) for the CDK constructs' public props.
 * They fail when the documented props and the settings schema drift apart, or when a construct stops
 * accepting imported resources.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import type * as events from 'aws-cdk-lib/aws-events'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { describe, expectTypeOf, test } from 'vitest'
import type { ProactiveMessagingComputeProps } from '../../cdk/pipeline-compute.ts'
import type { ExistingData, PipelineData, ProactiveMessagingData, ProactiveMessagingDataProps } from '../../cdk/pipeline-data.ts'
import type { ProactiveMessaging } from '../../cdk/proactive-messaging.ts'
import type { QueueFedFunction } from '../../cdk/queue-fed-function.ts'
import type { PartnerBusSource, ProactiveMessagingProps, ResolvedSettings } from '../../cdk/settings.ts'
import type { PropName, RegistryProps } from '#lib/settings/derive.ts'

describe('ProactiveMessagingProps', () => {
  test('names exactly the settings the synth-time schema reads (one list of construct props and cdk.json keys)', () => {
    expectTypeOf<PropName>().toEqualTypeOf<keyof ProactiveMessagingProps>()
  })

  test('the generated interface has the types the registry declares (npm run docs:settings regenerates it)', () => {
    expectTypeOf<ProactiveMessagingProps>().toEqualTypeOf<RegistryProps>()
  })

  test('every prop is optional: the construct deploys with no props at all', () => {
    expectTypeOf<Record<never, never>>().toExtend<ProactiveMessagingProps>()
  })

  test('typed props, not strings (context strings are coerced by the schema)', () => {
    expectTypeOf<ProactiveMessagingProps['scope']>().toEqualTypeOf<'agent' | 'queue' | undefined>()
    expectTypeOf<ProactiveMessagingProps['budgetPerMinute']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<ProactiveMessagingProps['retainData']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<ProactiveMessagingProps['availablePresences']>().toEqualTypeOf<readonly string[] | undefined>()
    expectTypeOf<ProactiveMessagingProps['logLevel']>().toEqualTypeOf<'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | undefined>()
  })

  test('a misspelt prop is a compile error', () => {
    // @ts-expect-error budgetPerMinut is not a prop
    const props: ProactiveMessagingProps = { budgetPerMinut: 300 }
    expectTypeOf(props).toEqualTypeOf<ProactiveMessagingProps>()
  })
})

describe('resolved settings', () => {
  test('defaults applied: the values the constructs read are never undefined', () => {
    expectTypeOf<ResolvedSettings['budgetPerMinute']>().toEqualTypeOf<number>()
    expectTypeOf<ResolvedSettings['availablePresences']>().toEqualTypeOf<string[]>()
    expectTypeOf<ResolvedSettings['retainData']>().toEqualTypeOf<boolean>()
    expectTypeOf<ResolvedSettings['partnerBus']>().toEqualTypeOf<PartnerBusSource>()
  })

  test('the partner-bus settings are folded into partnerBus', () => {
    expectTypeOf<ResolvedSettings>().not.toHaveProperty('genesysOrgId')
    expectTypeOf<ResolvedSettings>().not.toHaveProperty('existingPartnerBusName')
  })
})

describe('data and compute constructs', () => {
  test('the data construct takes the settings plus existing resources to use instead of creating them', () => {
    expectTypeOf<ProactiveMessagingDataProps>().toExtend<ProactiveMessagingProps>()
    expectTypeOf<ProactiveMessagingDataProps['existing']>().toEqualTypeOf<ExistingData | undefined>()
    expectTypeOf<ExistingData['sessionsTable']>().toEqualTypeOf<dynamodb.ITable | undefined>()
    expectTypeOf<ExistingData['stateTable']>().toEqualTypeOf<dynamodb.ITable | undefined>()
    expectTypeOf<ExistingData['appBus']>().toEqualTypeOf<events.IEventBus | undefined>()
  })

  test('the compute construct needs its data, as interfaces (imported or from another stack), or a factory', () => {
    expectTypeOf<ProactiveMessagingComputeProps['data']>().toEqualTypeOf<PipelineData | ((scope: Construct) => PipelineData)>()
    expectTypeOf<ProactiveMessagingProps>().not.toExtend<ProactiveMessagingComputeProps>()
    expectTypeOf<PipelineData['stateTable']>().toEqualTypeOf<dynamodb.ITable>()
    expectTypeOf<PipelineData['stageQueues']['send']['deadLetterQueue']>().toEqualTypeOf<sqs.IQueue>()
  })

  test('the data construct is the data the compute needs', () => {
    expectTypeOf<ProactiveMessagingData>().toExtend<PipelineData>()
  })

  test('the composition keeps the documented surface: resources, stages, rules, monitoring', () => {
    expectTypeOf<ProactiveMessaging>().toHaveProperty('partnerBus').toEqualTypeOf<events.IEventBus>()
    expectTypeOf<ProactiveMessaging>().toHaveProperty('stateTable').toEqualTypeOf<dynamodb.ITable>()
    expectTypeOf<ProactiveMessaging>().toHaveProperty('send').toEqualTypeOf<QueueFedFunction>()
    expectTypeOf<ProactiveMessaging['rules']['messageRequested']['deadLetterQueue']>().toEqualTypeOf<sqs.IQueue>()
    expectTypeOf<ProactiveMessaging>().toHaveProperty('monitoring')
    expectTypeOf<ProactiveMessaging['data']>().toEqualTypeOf<ProactiveMessagingData>()
  })
})
