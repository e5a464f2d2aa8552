/**
 * Presence's claims on the customers it chooses (`claim#<sha256(customerKey)>` in the state table): one conditional
 * put per chosen customer. The item expires by TTL; until then `claimedUntil` decides, so an expired claim that TTL
 * has not removed yet is simply overwritten.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CustomerClaims } from '../domain/ports.ts'
import { hashRecipientKey, isConditionalCheckFailed } from './dynamodb-state.ts'

export const claimKey = (customerKey: string): string => `claim#${hashRecipientKey(customerKey)}`

export class DynamoDbCustomerClaims implements CustomerClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(customerKey: string, triggerEventId: string, at: number, until: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: claimKey(customerKey), triggerEventId, claimedAt: at, claimedUntil: until, expiresAt: Math.ceil(until / 1000) + 3600 },
          ConditionExpression: 'attribute_not_exists(pk) OR claimedUntil <= :at OR triggerEventId = :trigger',
          ExpressionAttributeValues: { ':at': at, ':trigger': triggerEventId },
        }),
      )
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
    }
  }
}
