/**
 * Quiet hours: a daily window `HH:MM-HH:MM` in an IANA time zone during which nothing is sent. The window may
 * wrap midnight (`21:00-08:00`). A request is judged by its trigger's own time, so a replay decides the same
 * way on any day; the wall-clock time in the zone comes from the platform's time-zone data (Intl), which
 * handles daylight-saving changes.
 */
import type { Channel } from '../domain/model.ts'

export interface QuietWindow {
  /** Minutes after local midnight the window starts (inclusive) and ends (exclusive). */
  readonly startMinute: number
  readonly endMinute: number
  /** As written, for messages. */
  readonly text: string
}

export interface QuietHours {
  readonly timeZone: string
  /** The window of each channel; a channel absent here has no quiet hours. */
  readonly byChannel: Readonly<Partial<Record<Channel, QuietWindow>>>
}

export class QuietHoursError extends Error {
  override readonly name = 'QuietHoursError'
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/

/** Parses `HH:MM-HH:MM` (24-hour clock). Equal start and end would mean "never" or "always": refused as ambiguous. */
export function parseQuietWindow(value: string): QuietWindow {
  const text = value.trim()
  const match = WINDOW.exec(text)
  if (!match) throw new QuietHoursError(`quiet hours ${JSON.stringify(value)} must be HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00`)
  const [, h1, m1, h2, m2] = match
  const startMinute = Number(h1) * 60 + Number(m1)
  const endMinute = Number(h2) * 60 + Number(m2)
  if (startMinute === endMinute) throw new QuietHoursError(`quiet hours ${JSON.stringify(value)} start and end at the same time: give a window of at least one minute`)
  return { startMinute, endMinute, text }
}

/** Throws unless the platform knows this IANA zone name. */
export function checkTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch {
    throw new QuietHoursError(`unknown time zone ${JSON.stringify(timeZone)}: expected an IANA name such as Europe/London or America/New_York`)
  }
  return timeZone
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** Minutes after local midnight at instant `at` in `timeZone`. */
export function localMinuteOfDay(at: number, timeZone: string): number {
  let format = formatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    formatters.set(timeZone, format)
  }
  const parts = format.formatToParts(at)
  const hour = Number(parts.find((p) => p.type === 'hour')?.value)
  const minute = Number(parts.find((p) => p.type === 'minute')?.value)
  return hour * 60 + minute
}

export function isWithin(window: QuietWindow, minuteOfDay: number): boolean {
  return window.startMinute < window.endMinute ? minuteOfDay >= window.startMinute && minuteOfDay < window.endMinute : minuteOfDay >= window.startMinute || minuteOfDay < window.endMinute
}

/** The quiet window `at` falls in for this channel, or undefined when the channel may be messaged then. */
export function quietWindowAt(quietHours: QuietHours, channel: Channel, at: number): QuietWindow | undefined {
  const window = quietHours.byChannel[channel]
  if (!window) return undefined
  return isWithin(window, localMinuteOfDay(at, quietHours.timeZone)) ? window : undefined
}

/** Builds the per-channel windows: each channel's own value, else the general one; none at all ⇒ no quiet hours. */
export function quietHoursOf(timeZone: string, general: string | undefined, perChannel: Readonly<Partial<Record<Channel, string>>>, channels: readonly Channel[]): QuietHours {
  checkTimeZone(timeZone)
  const byChannel: Partial<Record<Channel, QuietWindow>> = {}
  for (const channel of channels) {
    const value = perChannel[channel] ?? general
    if (value !== undefined && value.trim() !== '') byChannel[channel] = parseQuietWindow(value)
  }
  return { timeZone, byChannel }
}
