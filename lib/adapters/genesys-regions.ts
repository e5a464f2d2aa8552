/**
 * Genesys Cloud region hosts (the SDK's `PureCloudRegionHosts`; a test checks the two agree), so code that does
 * not load the 2 MB SDK can still take a region key such as `eu_west_1`.
 */
export const GENESYS_REGION_HOSTS: Readonly<Record<string, string>> = {
  us_east_1: 'mypurecloud.com',
  eu_west_1: 'mypurecloud.ie',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  us_east_2: 'use2.us-gov-pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  eu_central_2: 'euc2.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
}

/** A region host (`mypurecloud.ie`, with or without `api.`/`login.`) or key (`eu_west_1`) → the host. */
export function regionHost(region: string): string {
  const hosts = GENESYS_REGION_HOSTS
  const host = region
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '')
    .replace(/^(api|login)\./, '')
    .toLowerCase()
  if (Object.values(hosts).includes(host)) return host
  const byKey = hosts[host.replace(/-/g, '_')]
  if (byKey) return byKey
  throw new Error(`unknown Genesys region "${region}": use a region host (${Object.values(hosts).join(', ')}) or an SDK key (${Object.keys(hosts).join(', ')})`)
}
