/** First 8 characters of an id: enough to correlate in logs, not the whole identifier. */
export const shortId = (id: string): string => (id.length > 8 ? `${id.slice(0, 8)}…` : id)
