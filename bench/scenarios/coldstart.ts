/**
 * Cold start: each function bundled exactly as the CDK stack bundles it (QueueFedFunction → NodejsFunction with
 * BUNDLING from cdk/queue-fed-function.ts, synthesized into a temporary cloud assembly), its size, and the median
 * time to import it in a fresh Node process against an empty module. Then, for the functions that carry the
 * Genesys SDK, variants built with the same esbuild options (checked byte-identical to the CDK build): the SDK
 * stubbed out (its share), a deep import of only the SDK modules used, and a plain-fetch adapter
 * (bench/variants/genesys-fetch.ts).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build, type BuildOptions, type Plugin } from 'esbuild'
import { FUNCTIONS } from '#lib/topology.ts'
import { median } from '../stats.ts'

const run = promisify(execFile)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SDK = 'purecloud-platform-client-v2'
const SDK_ADAPTER = resolve(ROOT, 'lib/adapters/genesys-sdk.ts')
const FETCH_ADAPTER = resolve(ROOT, 'bench/variants/genesys-fetch.ts')

/** The file an import names: a relative path, or one of package.json's `#lib/` / `#functions/` aliases. */
function importedFile(specifier: string, resolveDir: string): string {
  const alias = /^#(lib|functions)\/(.*)$/.exec(specifier)
  return alias ? resolve(ROOT, alias[1]!, alias[2]!) : resolve(resolveDir, specifier)
}

export type FunctionName = keyof typeof FUNCTIONS
export type Variant = 'asBuilt' | 'withoutSdk' | 'deepImport' | 'plainFetch'

export interface BundleMeasure {
  readonly bytes: number
  readonly sourceMapBytes: number
  /** Median over the runs of the time to import the bundle in a fresh `node`, minus the empty module's median. */
  readonly importMs: number
  readonly importMsRaw: number[]
}

export interface FunctionColdStart {
  readonly function: FunctionName
  readonly cdk: BundleMeasure
  /** The esbuild mirror of the CDK options produced the same bytes (so the variants are comparable). */
  readonly mirrorIdentical: boolean
  readonly variants: Partial<Record<Exclude<Variant, 'asBuilt'>, BundleMeasure>>
  /** Share of the bundle's bytes and of its import time that the Genesys SDK accounts for (0 without it). */
  readonly sdkShare: { readonly bytes: number; readonly importMs: number }
}

export interface ColdStartResult {
  readonly runs: number
  readonly floorMs: number
  readonly node: string
  readonly functions: FunctionColdStart[]
}

export async function runColdStart(options: { runs: number }): Promise<ColdStartResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-coldstart-'))
  try {
    const cdkBundles = await buildWithCdk(join(workDir, 'cdk.out'))
    const empty = join(workDir, 'empty.mjs')
    writeFileSync(empty, '')
    const builds: { name: FunctionName; cdkFile: string; mirrorIdentical: boolean; variants: Partial<Record<Exclude<Variant, 'asBuilt'>, string>> }[] = []
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const cdkFile = cdkBundles[name]
      const mirror = await bundle(name, 'asBuilt', join(workDir, name, 'asBuilt'))
      const variants: (typeof builds)[number]['variants'] = {}
      if (mirror.inputs.some((input) => input.includes(`node_modules/${SDK}/`))) {
        for (const variant of ['withoutSdk', 'deepImport', 'plainFetch'] as const) variants[variant] = (await bundle(name, variant, join(workDir, name, variant))).file
      }
      builds.push({ name, cdkFile, mirrorIdentical: readFileSync(mirror.file).equals(readFileSync(cdkFile)), variants })
    }
    // Round robin over every file, after one discarded warm-up each (file cache): noise spreads over all of them.
    const files = [empty, ...builds.flatMap((b) => [b.cdkFile, ...Object.values(b.variants)])]
    const times = new Map<string, number[]>(files.map((file) => [file, []]))
    for (const file of files) await importTime(file)
    for (let i = 0; i < options.runs; i++) for (const file of files) times.get(file)?.push(await importTime(file))
    const floorMs = median(times.get(empty) ?? []) ?? 0
    const measure = (file: string): BundleMeasure => {
      const importMsRaw = times.get(file) ?? []
      return { bytes: statSync(file).size, sourceMapBytes: sizeOr0(`${file}.map`), importMs: (median(importMsRaw) ?? 0) - floorMs, importMsRaw }
    }
    const functions = builds.map((b): FunctionColdStart => {
      const cdk = measure(b.cdkFile)
      const variants = Object.fromEntries(Object.entries(b.variants).map(([variant, file]) => [variant, measure(file)])) as FunctionColdStart['variants']
      const without = variants.withoutSdk
      return {
        function: b.name,
        cdk,
        mirrorIdentical: b.mirrorIdentical,
        variants,
        sdkShare: without ? { bytes: 1 - without.bytes / cdk.bytes, importMs: cdk.importMs > 0 ? Math.max(0, 1 - without.importMs / cdk.importMs) : 0 } : { bytes: 0, importMs: 0 },
      }
    })
    return { runs: options.runs, floorMs, node: process.version, functions }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

/** Synthesizes one QueueFedFunction per function in a throwaway stack: CDK runs esbuild as it does for the real stack. */
async function buildWithCdk(outdir: string): Promise<Record<FunctionName, string>> {
  const [{ App, RemovalPolicy, Stack }, logs, { QueueFedFunction, StageQueues }] = await Promise.all([import('aws-cdk-lib'), import('aws-cdk-lib/aws-logs'), import('../../cdk/queue-fed-function.ts')])
  const app = new App({ outdir })
  const stack = new Stack(app, 'BenchBundles')
  const keys = {} as Record<FunctionName, string>
  const built = Object.entries(FUNCTIONS).map(([name, fn]) => {
    const queues = new StageQueues(stack, `${name}Queues`, { stage: fn.stage })
    const construct = new QueueFedFunction(stack, name, {
      stage: fn.stage,
      entry: fn.entry,
      codeRoot: ROOT,
      environment: {},
      logRetention: logs.RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
      queues,
    })
    return [name as FunctionName, construct] as const
  })
  // CDK runs esbuild with inherited stdio: its progress lines go to stderr, never into the bench's stdout.
  app.synth()
  for (const [name, construct] of built) {
    const code = stack.resolve((construct.function.node.defaultChild as unknown as { code: unknown }).code) as { s3Key?: string }
    const hash = String(code.s3Key ?? '').replace(/\.zip$/, '')
    const dir = readdirSync(outdir).find((entry) => entry === `asset.${hash}`)
    if (!dir) throw new Error(`cold start: no CDK asset for ${name}`)
    keys[name] = join(outdir, dir, 'index.mjs')
  }
  return keys
}

/**
 * The esbuild options CDK's NodejsFunction derives from BUNDLING (aws-lambda-nodejs Bundling.buildEsbuildArgs:
 * --bundle --target --platform=node --format --outfile=index.mjs --minify --sourcemap --external --banner
 * --main-fields), as the JavaScript API spells them.
 */
async function cdkEsbuildOptions(entry: string, outdir: string): Promise<BuildOptions> {
  const { BUNDLING } = await import('../../cdk/queue-fed-function.ts')
  return {
    entryPoints: [resolve(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    target: BUNDLING.target,
    platform: 'node',
    format: BUNDLING.format === 'esm' ? 'esm' : 'cjs',
    outfile: join(outdir, BUNDLING.format === 'esm' ? 'index.mjs' : 'index.js'),
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    external: [...BUNDLING.externalModules],
    banner: { js: BUNDLING.banner },
    mainFields: [...BUNDLING.mainFields],
    logLevel: 'silent',
  }
}

/** The SDK's default export with only what the adapter touches at import (a stand-in: the SDK's share). */
const SDK_STUB =
  'class ApiClient { constructor() { this.config = {} } }\nexport default { ApiClient: new ApiClient(), ApiClientClass: ApiClient, PureCloudRegionHosts: {}, ConversationsApi: class {}, RoutingApi: class {} }\n'

/** Only the SDK modules the adapter uses, imported by path instead of the package index (all ~90 API classes). */
const SDK_DEEP = [
  `import ApiClient from '${SDK}/src/${SDK}/ApiClient.js'`,
  `import ConversationsApi from '${SDK}/src/${SDK}/api/ConversationsApi.js'`,
  `import RoutingApi from '${SDK}/src/${SDK}/api/RoutingApi.js'`,
  `import PureCloudRegionHosts from '${SDK}/src/${SDK}/PureCloudRegionHosts.js'`,
  'export default { ApiClient: new ApiClient(), ApiClientClass: ApiClient, ConversationsApi, RoutingApi, PureCloudRegionHosts }',
].join('\n')

function variantPlugin(variant: Variant): Plugin[] {
  if (variant === 'asBuilt') return []
  return [
    {
      name: `bench-${variant}`,
      setup(pluginBuild) {
        if (variant === 'plainFetch') {
          pluginBuild.onResolve({ filter: /genesys-sdk\.ts$/ }, (args) => (importedFile(args.path, args.resolveDir) === SDK_ADAPTER ? { path: FETCH_ADAPTER } : undefined))
          return
        }
        pluginBuild.onResolve({ filter: new RegExp(`^${SDK}$`) }, () => ({ path: SDK, namespace: 'bench-sdk' }))
        pluginBuild.onLoad({ filter: /.*/, namespace: 'bench-sdk' }, () => ({ contents: variant === 'withoutSdk' ? SDK_STUB : SDK_DEEP, loader: 'js', resolveDir: ROOT }))
      },
    },
  ]
}

/** Builds one variant; returns the bundle and the input files it holds (the metafile does not change the output). */
async function bundle(name: FunctionName, variant: Variant, outdir: string): Promise<{ file: string; inputs: string[] }> {
  const options = await cdkEsbuildOptions(FUNCTIONS[name].entry, outdir)
  const result = await build({ ...options, metafile: true, plugins: variantPlugin(variant) })
  return { file: options.outfile as string, inputs: Object.keys(result.metafile.inputs) }
}

/** Milliseconds to `import()` the file in a fresh node process. */
async function importTime(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dirname(file), env: { PATH: process.env.PATH ?? '', HOME: dirname(file) } })
  return Number(stdout)
}

function sizeOr0(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}
