/**
 * What the functions are deployed as, read from a real esbuild bundle (one function, so the test stays quick):
 * ESM for Node 22 on arm64, the `require` shim first, the AWS SDK inside rather than imported from the runtime,
 * minified, with a source map. Replaces a check that compared the BUNDLING constant with a copy of itself
 *: this one fails if the options stop reaching NodejsFunction or stop doing what they claim.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import type { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODE_ROOT } from '../../cdk/proactive-messaging.ts'
import { QueueFedFunction, StageQueues } from '../../cdk/queue-fed-function.ts'
import { FUNCTIONS } from '#lib/topology.ts'

const REQUIRE_SHIM = "import{createRequire}from'module';const require=createRequire(import.meta.url);"

let outdir: string
let bundle: string
let assetDir: string
let template: Template

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pm-bundle-'))
  const app = new App({ outdir })
  const stack = new Stack(app, 'Bundle')
  new QueueFedFunction(stack, 'Recorder', {
    stage: FUNCTIONS.sessionRecorder.stage,
    entry: FUNCTIONS.sessionRecorder.entry,
    codeRoot: CODE_ROOT,
    environment: {},
    logRetention: 30 as RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
    queues: new StageQueues(stack, 'RecorderQueues', { stage: FUNCTIONS.sessionRecorder.stage }),
  })
  template = Template.fromStack(stack)
  const assets = readdirSync(app.synth().directory).filter((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')))
  expect(assets).toHaveLength(1)
  assetDir = join(outdir, assets[0]!)
  bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8')
}, 120_000)

afterAll(() => rmSync(outdir, { recursive: true, force: true }))

describe('the deployed function bundle', () => {
  it('is ESM with the require shim first, for CommonJS dependencies', () => {
    expect(bundle.startsWith(REQUIRE_SHIM)).toBe(true)
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/)
  })

  it('has the AWS SDK inside: no import of @aws-sdk or the Genesys SDK left for the runtime to resolve', () => {
    expect(bundle).not.toMatch(/(from|import\()\s*["']@aws-sdk\//)
    expect(bundle).not.toMatch(/(from|import\()\s*["']purecloud-platform-client-v2/)
    expect(bundle).toContain('DynamoDB_20120810')
  })

  it('is minified, with a source map beside it', () => {
    // Minified code has few, very long lines (the remaining line breaks are inside string literals).
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2_000)
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true)
  })

  it('runs on Node 22, arm64', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' })
  })
})
