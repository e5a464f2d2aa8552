#!/usr/bin/env node
// A clone runs the TypeScript sources through tsx, so `npx proactive …` needs no build and never runs an older
// one; an installed package has no sources and runs the compiled CLI that `npm run build` put in dist/.
import { existsSync } from 'node:fs'

const source = new URL('../main.ts', import.meta.url)
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
}
const { runAsProgram } = await import(existsSync(source) ? source.href : new URL('../../dist/cli/main.mjs', import.meta.url).href)
runAsProgram()
