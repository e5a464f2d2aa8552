import type { CapLedger, CapReservationResult } from '#lib/domain/ports.ts'

/**
 * send's view of the cap ledger in memory: every customer free unless `capped` says otherwise; each call is
 * logged in `calls` (`cap.tryReserve`, `cap.release`) when given.
 */
export function capLedger(options: { capped?: boolean; calls?: string[] } = {}): Pick<CapLedger, 'tryReserve' | 'release'> & { released: number } {
  const ledger = {
    released: 0,
    tryReserve: async (_key: string, at: number): Promise<CapReservationResult> => {
      options.calls?.push('cap.tryReserve')
      return options.capped ? 'capped' : { made: true, at }
    },
    release: async () => {
      options.calls?.push('cap.release')
      ledger.released++
    },
  }
  return ledger
}
