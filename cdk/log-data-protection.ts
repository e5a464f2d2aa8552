/**
 * A CloudWatch Logs data-protection policy for the function log groups: the second layer behind the logger's
 * masking (functions/shared/log-masking.ts). If a log line ever carries a phone number or an e-mail address the
 * masking missed, CloudWatch masks it for every reader without the logs:Unmask permission, and audits the finding.
 * Cost: CloudWatch charges for the data it scans (per GB ingested into a protected group).
 */
import { Stack } from 'aws-cdk-lib'
import * as logs from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'

/** E.164 as this project sends it (lib/domain/payload.ts E164), with at least 7 digits to spare timestamps and counts. */
export const E164_IN_LOGS = '\\+[1-9][0-9]{6,14}'

export function logDataProtectionPolicy(scope: Construct): logs.DataProtectionPolicy {
  return new logs.DataProtectionPolicy({
    name: `${Stack.of(scope).stackName}-personal-data`,
    description: 'Masks customer phone numbers and e-mail addresses that reach the logs despite the logger masking',
    identifiers: [
      new logs.CustomDataIdentifier('E164PhoneNumber', E164_IN_LOGS),
      logs.DataIdentifier.EMAILADDRESS,
      logs.DataIdentifier.PHONENUMBER_US,
      logs.DataIdentifier.PHONENUMBER_GB,
      logs.DataIdentifier.PHONENUMBER_DE,
      logs.DataIdentifier.PHONENUMBER_FR,
      logs.DataIdentifier.PHONENUMBER_ES,
      logs.DataIdentifier.PHONENUMBER_IT,
      logs.DataIdentifier.PHONENUMBER_BR,
    ],
  })
}
