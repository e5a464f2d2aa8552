/**
 * Only Genesys Cloud is a trusted source of events. The EventBridge rules already filter on the partner source,
 * but a queue can also be fed by hand (a redrive, a test message, a mis-set rule), so the functions check again.
 * An event is trusted when its envelope `source` is a Genesys Cloud partner event source,
 * `aws.partner/genesys.com/cloud/{orgId}/{suffix}`, and, when an org is configured, names that org.
 */

/** What is trusted: any Genesys Cloud org, or only the configured one. */
export interface SourceTrust {
  /** The Genesys Cloud org id (`GENESYS_ORG_ID`); unset trusts every Genesys Cloud org. */
  readonly orgId?: string
}

export type SourceVerdict = { readonly trusted: true; readonly orgId: string } | { readonly trusted: false; readonly field: 'source'; readonly problem: string }

// Kept in step with GENESYS_SOURCE_PREFIX / genesysEventSourceName in lib/topology.ts (a test checks it).
const GENESYS_PARTNER_SOURCE = /^aws\.partner\/genesys\.com\/cloud\/([^/\s]{1,128})\/([^/\s]{1,256})$/

/** The org id and suffix of a Genesys Cloud partner event source, or undefined when it is not one. */
export function parseGenesysSource(source: string): { readonly orgId: string; readonly suffix: string } | undefined {
  const match = GENESYS_PARTNER_SOURCE.exec(source)
  if (!match) return undefined
  return { orgId: match[1] ?? '', suffix: match[2] ?? '' }
}

/** Shown in a problem: short, and quoted so odd characters are visible. */
const quoted = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

export function checkEventSource(source: string, trust: SourceTrust = {}): SourceVerdict {
  const parsed = parseGenesysSource(source)
  if (!parsed) {
    return {
      trusted: false,
      field: 'source',
      problem: `${quoted(source)} is not a Genesys Cloud partner event source (aws.partner/genesys.com/cloud/{orgId}/{suffix})`,
    }
  }
  if (trust.orgId !== undefined && parsed.orgId.toLowerCase() !== trust.orgId.toLowerCase()) {
    return { trusted: false, field: 'source', problem: `names Genesys Cloud org ${quoted(parsed.orgId)}, not the configured org` }
  }
  return { trusted: true, orgId: parsed.orgId }
}
