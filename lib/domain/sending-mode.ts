/**
 * The sending mode: `live` sends, `dry-run` runs every step up to the Genesys call and sends nothing, `paused`
 * requests and sends nothing. Set by `SENDING_MODE`; an operator's run-time override (`proactive mode`, stored in
 * the state table) wins over the setting.
 */
export const SENDING_MODES = ['live', 'dry-run', 'paused'] as const
export type SendingMode = (typeof SENDING_MODES)[number]

export class UnknownSendingModeError extends Error {
  constructor(value: string) {
    super(`unknown sending mode ${JSON.stringify(value)}: expected one of ${SENDING_MODES.join(', ')}`)
    this.name = 'UnknownSendingModeError'
  }
}

export function isSendingMode(value: unknown): value is SendingMode {
  return typeof value === 'string' && (SENDING_MODES as readonly string[]).includes(value)
}

export function parseSendingMode(value: string): SendingMode {
  const mode = value.trim().toLowerCase()
  if (!isSendingMode(mode)) throw new UnknownSendingModeError(value)
  return mode
}

/** The mode in force: the operator's override when there is one, else the deployed setting. */
export function effectiveMode(configured: SendingMode, override: SendingMode | undefined): SendingMode {
  return override ?? configured
}
