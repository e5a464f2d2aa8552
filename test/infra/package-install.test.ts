/**
 * The package as an adopter gets it: `npm pack`, then a separate CDK app with its own package.json and lock file
 * installs the tarball, aws-cdk-lib and constructs, and synthesizes `ProactiveMessaging` offline from plain
 * JavaScript (node), from TypeScript compiled by tsc (module NodeNext) and through tsx. Each template has what
 * the same construct synthesized from the sources has (functions, rules, alarms); the functions deploy the
 * prebuilt bundles, so the app has no esbuild. The `proactive` CLI runs compiled from the installed package.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Stack } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProactiveMessaging } from '../../cdk/proactive-messaging.ts'
import { CODE_ROOT } from '../../cdk/pipeline-compute.ts'
import { FUNCTIONS, HTTP_FUNCTIONS } from '#lib/topology.ts'

/** Every Lambda function the construct deploys: the queue-fed stages and the HTTPS look-ups. */
const ALL_FUNCTIONS = [...Object.values(FUNCTIONS), ...Object.values(HTTP_FUNCTIONS)]
import { testApp } from './template-helpers.ts'

const PACKAGE = JSON.parse(readFileSync(join(CODE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> }
const PROPS = { genesysOrgId: '32aa07aa-db1b-4987-abd0-9483601ec29d', alarmEmail: 'oncall@example.com' }
const APP = `import { App, Stack } from 'aws-cdk-lib'
import { ProactiveMessaging } from '${PACKAGE.name}/cdk'

const app = new App({ outdir: process.argv[2] })
const pipeline = new ProactiveMessaging(new Stack(app, 'Consumer'), 'Pm', ${JSON.stringify(PROPS)})
pipeline.send.function
app.synth()
`
const SYNTH_MINUTES = 10

let work: string
let consumer: string
let tarball: string

/** `npm …` in `cwd`, with a warm cache (`npm ci` filled it): no need to fetch what the clone already installed. */
function npm(cwd: string, args: string[]): string {
  return execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } })
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pm-package-'))
  // prepack (npm run build) writes to the same stdout before npm's JSON.
  const output = npm(CODE_ROOT, ['pack', '--json', '--pack-destination', work])
  const [packed] = JSON.parse(output.slice(output.indexOf('['))) as { filename: string }[]
  tarball = join(work, packed!.filename)
  consumer = join(work, 'consumer')
  mkdirSync(consumer)
  const dev = PACKAGE.devDependencies
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer-cdk-app',
      private: true,
      type: 'module',
      dependencies: { [PACKAGE.name]: `file:${tarball}`, 'aws-cdk-lib': dev['aws-cdk-lib'], constructs: dev.constructs },
      devDependencies: { typescript: dev.typescript, tsx: dev.tsx, '@types/node': dev['@types/node'] },
    }),
  )
  npm(consumer, ['install', '--ignore-scripts'])
  writeFileSync(join(consumer, 'app.mjs'), APP)
  writeFileSync(join(consumer, 'app.ts'), APP)
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'build', types: ['node'] }, files: ['app.ts'] }),
  )
}, SYNTH_MINUTES * 60_000)

afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000)

/** The same construct from the sources (not bundled: only the resources are compared), made once. */
let referenceTemplate: Template | undefined
function reference(): Template {
  referenceTemplate ??= Template.fromStack(new ProactiveMessaging(new Stack(testApp(), 'Reference'), 'Pm', PROPS).node.scope as Stack)
  return referenceTemplate
}

function templateOf(outdir: string): Template {
  return Template.fromJSON(JSON.parse(readFileSync(join(consumer, outdir, 'Consumer.template.json'), 'utf8')))
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const count = (template: Template, type: string) => Object.keys(template.findResources(type)).length

describe('the packed tarball', () => {
  it('ships the compiled library, its declarations and the prebuilt functions, not the sources, tests or benchmarks', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean)
    expect(files).toContain('package/dist/cdk/index.js')
    expect(files).toContain('package/dist/types/cdk/index.d.ts')
    expect(files).toContain('package/dist/cli/main.mjs')
    for (const { entry } of ALL_FUNCTIONS) expect(files).toContain(`package/dist/${entry.replace(/index\.ts$/, 'index.mjs')}`)
    expect(files.filter((file) => /^package\/(test|bench|lib|functions|cdk|local|scripts)\//.test(file))).toEqual([])
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([])
  })

  it("uses the consumer's aws-cdk-lib and constructs (peer dependencies) and needs no esbuild", () => {
    const installed = JSON.parse(readFileSync(join(consumer, 'node_modules', PACKAGE.name, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>
      dependencies: Record<string, string>
    }
    expect(Object.keys(installed.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs'])
    expect(existsSync(join(consumer, 'node_modules', PACKAGE.name, 'node_modules', 'aws-cdk-lib'))).toBe(false)
    expect(Object.keys(installed.dependencies)).not.toContain('esbuild')
    expect(existsSync(join(consumer, 'package-lock.json'))).toBe(true)
  })
})

describe.each([
  ['plain JavaScript ESM with node', () => run(process.execPath, ['app.mjs', 'out-js']), 'out-js'],
  [
    'TypeScript compiled by tsc (NodeNext)',
    () => (run(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']), run(process.execPath, [join('build', 'app.js'), 'out-tsc'])),
    'out-tsc',
  ],
  ['tsx', () => run(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'app.ts', 'out-tsx']), 'out-tsx'],
] as const)('a consumer app in %s', (_name, synth, outdir) => {
  let template: Template
  beforeAll(() => {
    synth()
    template = templateOf(outdir)
  }, SYNTH_MINUTES * 60_000)

  it('synthesizes the functions, rules and alarms the construct has', { timeout: 120_000 }, () => {
    const expected = reference()
    expect(count(template, 'AWS::Lambda::Function')).toBe(ALL_FUNCTIONS.length)
    for (const type of ['AWS::Lambda::Function', 'AWS::Events::Rule', 'AWS::CloudWatch::Alarm', 'AWS::SQS::Queue', 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table']) {
      expect(count(template, type), type).toBe(count(expected, type))
    }
    expect(count(template, 'AWS::CloudWatch::Alarm')).toBeGreaterThan(0)
  })

  it('deploys the prebuilt bundles as the function code, byte for byte (nothing bundled at synth)', () => {
    const assets = readdirSync(join(consumer, outdir)).filter((name) => name.startsWith('asset.') && existsSync(join(consumer, outdir, name, 'index.mjs')))
    expect(assets).toHaveLength(ALL_FUNCTIONS.length)
    const prebuilt = ALL_FUNCTIONS.map(({ entry }) => digest(join(consumer, 'node_modules', PACKAGE.name, 'dist', entry.replace(/index\.ts$/, 'index.mjs'))))
    expect(assets.map((asset) => digest(join(consumer, outdir, asset, 'index.mjs'))).sort()).toEqual(prebuilt.sort())
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.Handler).toBe('index.handler')
  })
})

describe('the proactive CLI from the installed package', () => {
  it('--version prints the package version, without tsx or the sources', () => {
    expect(run(process.execPath, [join('node_modules', '.bin', 'proactive'), '--version']).trim()).toBe(PACKAGE.version)
  })

  it('--help lists the commands and exits 0', () => {
    expect(run(process.execPath, [join('node_modules', '.bin', 'proactive'), '--help'])).toMatch(/^usage: proactive <command>/)
  })
})
