/**
 * The package's root directory (the one holding its package.json), found from a module's URL. The same answer
 * from a source file in a clone (cdk/x.ts, cli/x.ts) and from a bundle in an installed package (dist/cdk/index.js).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_NAME = 'genesys-proactive-messaging'

export function packageRootOf(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${fileURLToPath(moduleUrl)}`)
    dir = parent
  }
}

/** The package's version, from its package.json. */
export function packageVersionOf(moduleUrl: string): string {
  return (JSON.parse(readFileSync(join(packageRootOf(moduleUrl), 'package.json'), 'utf8')) as { version: string }).version
}
