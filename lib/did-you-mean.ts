/**
 * "Did you mean …?" for a mistyped name: the known name with the smallest edit distance (Levenshtein, compared
 * case-insensitively), when it is close enough to be a typo rather than a different name.
 */

/** Levenshtein distance: insertions, deletions and substitutions, each costing 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}

/** The closest known name, if within a third of the name's length (at least 2 edits); ties go to the first known. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const wanted = name.toLowerCase()
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** `"X" is not a setting … Did you mean "Y"? Known settings: …` */
export function unknownNameMessage(what: string, name: string, known: readonly string[]): string {
  const suggestion = closestName(name, known)
  return `${what} ${JSON.stringify(name)} is not one this project reads.${suggestion ? ` Did you mean ${JSON.stringify(suggestion)}?` : ''} Known: ${[...known].sort().join(', ')}`
}
