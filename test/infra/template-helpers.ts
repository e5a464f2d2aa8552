/** Small readers over a synthesized CloudFormation template, shared by the infra tests. */
import { App, type Stack } from 'aws-cdk-lib'
import type { Template } from 'aws-cdk-lib/assertions'

export interface CfnResource {
  readonly Type: string
  readonly Properties?: any
  readonly DeletionPolicy?: string
}

/**
 * An app for template tests: no esbuild bundling, and no built-in CloudFormation validation (its engine costs
 * seconds a synthesis). `npm run synth` and test/infra/bundling.test.ts synthesize with both.
 */
export const testApp = (context: Record<string, unknown> = {}) => new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } })

export function resources(template: Template): Record<string, CfnResource> {
  return template.toJSON().Resources as Record<string, CfnResource>
}

export function ofType(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(resources(template)).filter(([, r]) => r.Type === type)
}

export const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] })

/** Logical id from `{Ref: id}` or `{Fn::GetAtt: [id, ...]}`. */
export function logicalIdOf(value: any): string | undefined {
  if (value?.Ref) return value.Ref
  if (value?.['Fn::GetAtt']) return value['Fn::GetAtt'][0]
  return undefined
}

export interface AlarmMetric {
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: Record<string, unknown>
}

/** Every metric an alarm reads, whether it is a plain metric alarm or a metric-math alarm. */
export function alarmMetrics(alarm: CfnResource): AlarmMetric[] {
  const p = alarm.Properties
  const toMap = (dims: { Name: string; Value: unknown }[] = []) => Object.fromEntries(dims.map((d) => [d.Name, d.Value]))
  if (p.MetricName) return [{ namespace: p.Namespace, metricName: p.MetricName, dimensions: toMap(p.Dimensions) }]
  return (p.Metrics ?? [])
    .filter((m: any) => m.MetricStat)
    .map((m: any) => ({
      namespace: m.MetricStat.Metric.Namespace,
      metricName: m.MetricStat.Metric.MetricName,
      dimensions: toMap(m.MetricStat.Metric.Dimensions),
    }))
}

/** Alarms that read `metricName` with a dimension equal to `dimension`. */
export function alarmsOn(template: Template, metricName: string, dimension?: [string, unknown]): CfnResource[] {
  return ofType(template, 'AWS::CloudWatch::Alarm')
    .map(([, alarm]) => alarm)
    .filter((alarm) => alarmMetrics(alarm).some((m) => m.metricName === metricName && (dimension === undefined || JSON.stringify(m.dimensions[dimension[0]]) === JSON.stringify(dimension[1]))))
}

/** Environment variables of the function whose logical id starts with `prefix`. */
export function functionByPrefix(template: Template, prefix: string): [string, CfnResource] {
  const found = ofType(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith(prefix))
  if (found.length !== 1) throw new Error(`expected one function with prefix ${prefix}, found ${found.length}`)
  return found[0]!
}

/** Every statement of every identity policy (AWS::IAM::Policy and inline role policies). */
export function identityStatements(template: Template): any[] {
  const policies = ofType(template, 'AWS::IAM::Policy').map(([, r]) => r.Properties.PolicyDocument)
  const inline = ofType(template, 'AWS::IAM::Role').flatMap(([, r]) => (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument))
  const managed = ofType(template, 'AWS::IAM::ManagedPolicy').map(([, r]) => r.Properties.PolicyDocument)
  return [...policies, ...inline, ...managed].flatMap((doc) => doc.Statement)
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value])

export function stackPath(stack: Stack, ...parts: string[]): string {
  return [stack.node.path, ...parts].join('/')
}
