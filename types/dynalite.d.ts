declare module 'dynalite' {
  import type { Server } from 'node:http'
  /** In-memory (LevelDB) DynamoDB API server; no published types exist. */
  export default function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }): Server
}
