import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
const { ProactiveMessagingStack } = await import('../../cdk/stack.ts')
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } })
const stack = new ProactiveMessagingStack(app, 'T', { settings: { alarmEmail: 'ops@example.com' } })
const t = Template.fromStack(stack).toJSON()
const byType: Record<string, number> = {}
for (const r of Object.values<any>(t.Resources)) byType[r.Type] = (byType[r.Type] ?? 0) + 1
console.log(byType)
for (const [id, r] of Object.entries<any>(t.Resources)) {
  if (['AWS::Lambda::EventSourceMapping','AWS::Events::Rule','AWS::IAM::Policy'].includes(r.Type)) console.log(id, JSON.stringify(r.Properties).slice(0,1500))
  if (r.Type === 'AWS::CloudWatch::Alarm') console.log(r.Properties.AlarmName, r.Properties.MetricName ?? 'math', r.Properties.Threshold, r.Properties.ComparisonOperator)
}
