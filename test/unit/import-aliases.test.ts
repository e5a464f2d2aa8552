// use-import-aliases: keep relative (this test compares each alias with its relative path)
import { describe, expect, it } from 'vitest'
import * as recorderViaAlias from '#functions/session-recorder/index.ts'
import * as topologyViaAlias from '#lib/topology.ts'
import * as recorderViaPath from '../../functions/session-recorder/index.ts'
import * as topologyViaPath from '../../lib/topology.ts'

describe('package.json#imports aliases', () => {
  it('#lib/* and #functions/* load the same module instances as the relative paths', () => {
    expect(topologyViaAlias).toBe(topologyViaPath)
    expect(recorderViaAlias).toBe(recorderViaPath)
    expect(typeof recorderViaAlias.createSessionRecorderHandler).toBe('function')
  })
})
