/** Milliseconds in a minute and an hour, for turning configured minutes and hours into the ms the domain uses. */
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
