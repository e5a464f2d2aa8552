/**
 * `npm run build` (and `npm pack`, through `prepack`): what the installed package runs, in dist/.
 *   dist/functions/<name>/index.mjs  each Lambda function bundled as the stack bundles it (BUNDLING), which the
 *                                    construct deploys when the sources are not there (cdk/queue-fed-function.ts)
 *   dist/cdk/index.js                the construct library (`genesys-proactive-messaging/cdk`); packages stay imports
 *   dist/cli/main.mjs                the `proactive` CLI with its dependencies inside (cli/bin/proactive.mjs loads it)
 *   dist/types/                      the declarations of the construct library, with import paths a consumer resolves
 * A clone never needs it: `npm start`, `npm test` and `npm run deploy` run the sources.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { build, type BuildOptions } from 'esbuild'
import { BUNDLING, PREBUILT_FILE, PREBUILT_ROOT, prebuiltCodeDir } from '../cdk/queue-fed-function.ts'
import { packageRootOf } from '#lib/package-root.ts'
import { FUNCTIONS, HTTP_FUNCTIONS } from '#lib/topology.ts'

const ROOT = packageRootOf(import.meta.url)
const DIST = join(ROOT, PREBUILT_ROOT)
const TYPES = join(DIST, 'types')
const REQUIRE_SHIM = { js: BUNDLING.banner }
const NODE = { bundle: true, platform: 'node', format: 'esm', absWorkingDir: ROOT, logLevel: 'warning', legalComments: 'none' } as const satisfies BuildOptions

/** The functions exactly as NodejsFunction bundles them from the sources (BUNDLING), so both deploy the same code. */
async function buildFunctions(): Promise<void> {
  for (const { entry } of [...Object.values(FUNCTIONS), ...Object.values(HTTP_FUNCTIONS)]) {
    await build({
      ...NODE,
      entryPoints: [entry],
      outfile: join(ROOT, prebuiltCodeDir(entry), PREBUILT_FILE),
      target: BUNDLING.target,
      minify: BUNDLING.minify,
      sourcemap: BUNDLING.sourceMap,
      mainFields: [...BUNDLING.mainFields],
      banner: REQUIRE_SHIM,
    })
  }
}

/** The construct: every package (aws-cdk-lib, constructs, zod, …) stays an import of the consumer's copy. */
async function buildConstructLibrary(): Promise<void> {
  await build({ ...NODE, entryPoints: ['cdk/index.ts'], outfile: join(DIST, 'cdk', 'index.js'), packages: 'external', target: 'node20', sourcemap: true })
}

/** The CLI self-contained: the AWS SDK and the Genesys SDK inside, so the package needs them neither. */
async function buildCli(): Promise<void> {
  await build({ ...NODE, entryPoints: ['cli/main.ts'], outfile: join(DIST, 'cli', 'main.mjs'), target: 'node20', minify: true, mainFields: ['module', 'main'], banner: REQUIRE_SHIM })
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/**
 * tsc keeps the sources' specifiers in declarations: `./settings.ts` and `#lib/config.ts` (the clone's import map).
 * A consumer resolves neither, so each becomes a relative `.js` path, which TypeScript maps to the `.d.ts` beside it.
 */
export function rewriteDeclarationImports(text: string, file: string, typesRoot: string): string {
  return text.replace(/(from\s+|import\(\s*)(['"])([^'"]+)\2/g, (whole, lead: string, quote: string, specifier: string) => {
    let target = specifier
    const mapped = /^#(lib|functions)\/(.+)$/.exec(specifier)
    if (mapped) {
      const path = relative(dirname(file), join(typesRoot, mapped[1]!, mapped[2]!))
      target = path.startsWith('.') ? path : `./${path}`
    }
    if (!target.startsWith('.')) return whole
    return `${lead}${quote}${target.replace(/\.ts$/, '.js')}${quote}`
  })
}

function buildDeclarations(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  for (const file of filesUnder(TYPES).filter((path) => path.endsWith('.d.ts'))) {
    writeFileSync(file, rewriteDeclarationImports(readFileSync(file, 'utf8'), file, TYPES))
  }
}

rmSync(DIST, { recursive: true, force: true })
await Promise.all([buildFunctions(), buildConstructLibrary(), buildCli()])
buildDeclarations()
process.stderr.write(`built ${relative(ROOT, DIST)}/: ${Object.keys(FUNCTIONS).length + Object.keys(HTTP_FUNCTIONS).length} functions, the construct library, the CLI and the declarations\n`)
