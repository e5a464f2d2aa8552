/**
 * Every setting name a function reads, derived from the function schemas in lib/config.ts (every `*ConfigSchema`
 * export), so a setting added there is known here without a second list.
 */
import { z } from 'zod'
import * as config from './config.ts'

export const FUNCTION_SETTING_NAMES: readonly string[] = [
  ...new Set(
    Object.entries(config)
      .filter(([name, value]) => name.endsWith('ConfigSchema') && value instanceof z.ZodObject)
      .flatMap(([, schema]) => Object.keys((schema as z.ZodObject).shape)),
  ),
].sort()
