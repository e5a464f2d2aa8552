/**
 * The function settings of a local run, checked before any local service starts: a refused setting (`npm start --
 * --set CAP_HOURS=0`) fails with the functions' own error, naming the variable, and nothing is left running.
 */
import { loadConfig, presenceConfigSchema, replyRoutingConfigSchema, sendConfigSchema, sessionRecorderConfigSchema, trackConfigSchema } from '#lib/config.ts'

/**
 * Scaled to the local visibility timeout: retries and dead attempts are recognised in seconds, not minutes; the
 * look-ups of an unknown outcome come seconds apart, so a local run ends once every one is settled.
 */
export const LOCAL_TIMINGS = { RETRY_BASE_SECONDS: '1', RETRY_MAX_SECONDS: '2', SEND_ATTEMPT_TIMEOUT_SECONDS: '3', UNKNOWN_OUTCOME_LOOKUPS: '1s,2s,3s' } as const

/** What the local cloud sets once its services are up (names, endpoints), as stand-ins the schemas accept. */
const STAND_INS = {
  SESSIONS_TABLE_NAME: 'stand-in',
  STATE_TABLE_NAME: 'stand-in',
  APP_EVENT_BUS_NAME: 'stand-in',
  SEND_DLQ_URL: 'http://127.0.0.1/000000000000/stand-in',
  SEND_QUEUE_URL: 'http://127.0.0.1/000000000000/stand-in',
  TRACK_QUEUE_URL: 'http://127.0.0.1/000000000000/stand-in',
}

/** Throws the first function's ConfigError for `config` (by environment name), as its handler would at start. */
export function checkFunctionSettings(config: Readonly<Record<string, string>>): void {
  const env = { ...STAND_INS, ...LOCAL_TIMINGS, ...config }
  loadConfig('session-recorder', sessionRecorderConfigSchema, env)
  loadConfig('presence', presenceConfigSchema, env)
  loadConfig('send', sendConfigSchema, env)
  loadConfig('track', trackConfigSchema, env)
  loadConfig('reply-routing', replyRoutingConfigSchema, env)
}
