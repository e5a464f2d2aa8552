/**
 * lib/domain/source-trust.ts at its edges, as unit tests (the mutation run uses the unit tests only; the
 * property tests against the rule patterns and the functions on the local cloud are in
 * test/integration/source-trust.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { checkEventSource, parseGenesysSource } from '#lib/domain/source-trust.ts'

const ORG = '32aa07aa-db1b-4987-abd0-9483601ec29d'
const source = (org: string, suffix: string) => `aws.partner/genesys.com/cloud/${org}/${suffix}`

describe('parseGenesysSource', () => {
  it('reads the org id and the suffix', () => {
    expect(parseGenesysSource(source(ORG, 'proactive-messaging'))).toEqual({ orgId: ORG, suffix: 'proactive-messaging' })
  })

  it('takes an org id of 1 to 128 characters and a suffix of 1 to 256, without slashes or spaces', () => {
    expect(parseGenesysSource(source('o', 's'))).toEqual({ orgId: 'o', suffix: 's' })
    expect(parseGenesysSource(source('o'.repeat(128), 's'.repeat(256)))).toEqual({ orgId: 'o'.repeat(128), suffix: 's'.repeat(256) })
    for (const bad of [
      source('o'.repeat(129), 's'),
      source('o', 's'.repeat(257)),
      source('', 's'),
      source('o', ''),
      source('o p', 's'),
      source('o', 's t'),
      `${source('o', 's')}/extra`,
      `x${source('o', 's')}`,
      source('o', 's').replace('genesys.com', 'genesysXcom'),
      source('o', 's').replace('aws.partner', 'awsXpartner'),
    ]) {
      expect(parseGenesysSource(bad), bad).toBeUndefined()
    }
  })
})

describe('checkEventSource', () => {
  it('trusts a Genesys source with the configured org, compared case-insensitively either way', () => {
    expect(checkEventSource(source(ORG, 's'), { orgId: ORG.toUpperCase() })).toEqual({ trusted: true, orgId: ORG })
    expect(checkEventSource(source(ORG.toUpperCase(), 's'), { orgId: ORG })).toEqual({ trusted: true, orgId: ORG.toUpperCase() })
    expect(checkEventSource(source(ORG, 's'))).toEqual({ trusted: true, orgId: ORG })
  })

  it('refuses another org when one is configured, naming it', () => {
    expect(checkEventSource(source('other-org', 's'), { orgId: ORG })).toEqual({
      trusted: false,
      field: 'source',
      problem: 'names Genesys Cloud org "other-org", not the configured org',
    })
  })

  it('says exactly what is wrong with a foreign source, quoting it', () => {
    expect(checkEventSource('com.example.crm')).toEqual({
      trusted: false,
      field: 'source',
      problem: '"com.example.crm" is not a Genesys Cloud partner event source (aws.partner/genesys.com/cloud/{orgId}/{suffix})',
    })
  })

  it('quotes at most 80 characters of a long source, then an ellipsis', () => {
    const verdict = checkEventSource('x'.repeat(81))
    expect(verdict.trusted === false && verdict.problem.startsWith(`"${'x'.repeat(80)}…" is not`)).toBe(true)
    const exact = checkEventSource('y'.repeat(80))
    expect(exact.trusted === false && exact.problem.startsWith(`"${'y'.repeat(80)}" is not`)).toBe(true)
  })
})
