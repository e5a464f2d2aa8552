/**
 * The sending-mode override in the state table (item `control#sending-mode`), and the cached view presence and
 * send read it through: at most one read per `ttlMs` per function instance, so `proactive mode paused` takes
 * effect everywhere within that time without a deploy.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { effectiveMode, isSendingMode, type SendingMode } from '../domain/sending-mode.ts'
import type { Clock, SendingModeOverrides, SendingModeSource } from '../domain/ports.ts'

export const SENDING_MODE_KEY = 'control#sending-mode'
/** The longest an instance acts on a mode it read earlier. */
export const MODE_CACHE_MS = 30_000

export class DynamoDbSendingModeOverrides implements SendingModeOverrides {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(): Promise<{ mode: SendingMode; changedAt: number } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: SENDING_MODE_KEY }, ConsistentRead: true }))
    if (!Item) return undefined
    // A hand-edited item with an unknown mode must not stop (or start) sending silently: the setting applies.
    return isSendingMode(Item.mode) ? { mode: Item.mode, changedAt: Number(Item.changedAt) || 0 } : undefined
  }

  async write(mode: SendingMode, changedAt: number): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: SENDING_MODE_KEY, mode, changedAt } }))
  }
}

export class CachedSendingMode implements SendingModeSource {
  private cached: { mode: SendingMode; readAt: number } | undefined

  constructor(
    private readonly configured: SendingMode,
    private readonly overrides: SendingModeOverrides,
    private readonly clock: Clock,
    private readonly ttlMs: number = MODE_CACHE_MS,
  ) {}

  async current(): Promise<SendingMode> {
    const now = this.clock.now()
    if (this.cached && now - this.cached.readAt < this.ttlMs && now >= this.cached.readAt) return this.cached.mode
    const override = await this.overrides.read()
    const mode = effectiveMode(this.configured, override?.mode)
    this.cached = { mode, readAt: now }
    return mode
  }
}
