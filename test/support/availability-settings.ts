import type { AvailabilitySettings } from '#lib/presence/handle-availability.ts'

const HOUR = 3_600_000

/** Presence settings for a unit test: agent scope, a 24 h window and cap, no cooldown, On Queue and Idle. */
export const TEST_AVAILABILITY_SETTINGS: AvailabilitySettings = {
  scope: 'agent',
  windowMs: 24 * HOUR,
  capMs: 24 * HOUR,
  cooldownMs: 0,
  availablePresences: ['ON_QUEUE'],
  availableRoutingStatuses: ['IDLE'],
  busy: { staleMs: 4 * HOUR },
}
