/**
 * Why each kind of surviving mutant is acceptable (read by scripts/mutation-survivors.ts). A survivor matches the
 * first entry with its file, one of its mutators (if given) and whose `code` occurs in the code it replaced.
 * Add an entry only with the reason; a survivor no entry matches is listed as open in docs/testing.md.
 */
export interface SurvivorReason {
  readonly file: string
  readonly mutators?: readonly string[]
  /** A piece of the mutated code (the replaced text); absent: any. */
  readonly code?: string
  readonly kind: string
  readonly why: string
}

export const REASONS: readonly SurvivorReason[] = []
