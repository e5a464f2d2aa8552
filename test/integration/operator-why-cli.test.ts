/**
 * `proactive why --local`: replays events through the real handlers on the local cloud, then
 * explains one customer's or conversation's outcome. Exit codes: 0 found, 1 nothing found, 2 usage error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main as operatorMain } from '../../cli/commands/why.ts'
import { main } from '../../local/commands/why-local.ts'
import { capturedIo } from '../support/captured-io.ts'
import { conversationLifecycle, presenceEvent, uuidFrom } from '../support/genesys-events.ts'

const AGENT = uuidFrom('why', 'agent')
const QUEUE = uuidFrom('why', 'queue')
const CONVERSATION = uuidFrom('why', 'conversation')
const PHONE = '+15553334444'
const MINUTE = 60_000
const T0 = Date.parse('2025-06-10T09:00:00Z')

let dir: string
let events: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'why-'))
  events = join(dir, 'events.jsonl')
  const lines = [
    ...conversationLifecycle({ conversationId: CONVERSATION, messageType: 'SMS', start: T0, agentId: AGENT, queueId: QUEUE, addressFrom: PHONE }),
    presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T0 + 25 * MINUTE }),
    presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T0 + 30 * MINUTE }),
  ]
  await writeFile(events, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function why(...args: string[]) {
  const io = capturedIo()
  const code = await main(['--local', '--events', events, ...args], io)
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') }
}

describe('proactive why --local', () => {
  it('sent: the session, the cap reservation and its expiry, the ledger, the sentence; personal data masked', async () => {
    const { code, out } = await why('--conversation', CONVERSATION)
    expect(code).toBe(0)
    expect(out).toContain('sessions: 1')
    expect(out).toMatch(/sms …4444 window .* last agent .* queue .* connected no/)
    expect(out).toMatch(/cap reservation: since 2025-06-10T09:30:\d\d.\d{3}Z, expires 2025-06-11T09:30/)
    expect(out).toContain('opt-out list: not on the list')
    expect(out).toContain('delivery ledger: sent')
    // The agentless response's ids, shortened: the full ids are behind --show-personal-data.
    expect(out).toMatch(/genesys: conversation [0-9a-f]{8}… message [0-9a-f]{8}…/)
    expect(out).toContain('outcome: sent')
    expect(out).toContain('why: A message was sent: Genesys accepted it.')
    expect(out).not.toContain(PHONE)
    expect(out).not.toContain(CONVERSATION)
  })

  it('by channel and address in another format, with --show-personal-data', async () => {
    const { code, out } = await why('--channel', 'SMS', '--address', '+15553334444', '--show-personal-data')
    expect(code).toBe(0)
    expect(out).toContain(PHONE)
    expect(out).toContain(CONVERSATION)
    expect(out).toContain('outcome: sent')
  })

  it.each([
    // Presence, paused, requests nothing (counted, no per-request event): the sentence says so from the mode.
    ['SENDING_MODE=paused', 'why: No message was requested: the sending mode is paused'],
    ['SENDING_MODE=dry-run', 'why: No message: the sending mode was dry-run'],
    ['QUIET_HOURS=09:00-10:00', "why: No message: the trigger fell in the channel's quiet hours."],
  ])('--set %s: explained, no cap used', async (setting, sentence) => {
    const { code, out } = await why('--set', setting, '--conversation', CONVERSATION)
    expect(code).toBe(0)
    expect(out).toContain(sentence)
    expect(out).toContain('cap reservation: none')
  })

  it('--suppress FILE: the customer opted out before the trigger; why names the list, no request, no cap', async () => {
    const optOuts = join(dir, 'opt-outs.txt')
    await writeFile(optOuts, '# customers who opted out\nsms +1 (555) 333-4444\n')
    const { code, out } = await why('--suppress', optOuts, '--conversation', CONVERSATION)
    expect(code).toBe(0)
    expect(out).toContain('opt-out list: on the list')
    expect(out).toContain('cap reservation: none')
    expect(out).toContain('why: No message: the customer is on the opt-out list (opted out).')
    expect(out).not.toContain(PHONE)
  })

  it('--suppress: a bad line exits 2 naming the line, before any replay; --suppress without --local exits 2', async () => {
    const optOuts = join(dir, 'bad-opt-outs.txt')
    await writeFile(optOuts, 'sms +15553334444\npigeon 12\n')
    const bad = await why('--suppress', optOuts, '--conversation', CONVERSATION)
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/bad-opt-outs\.txt:2: .*pigeon/)
    expect(bad.out).toBe('')
    const io = capturedIo()
    expect(await main(['--suppress', optOuts, '--conversation', CONVERSATION], io)).toBe(2)
    expect(io.stderr.join('\n')).toContain('--suppress is for --local runs')
  })

  it('customer-busy: another conversation of the customer has not ended; asked by address, why says so (presence keeps no per-customer record)', async () => {
    const busyEvents = join(dir, 'busy.jsonl')
    const lines = [
      ...conversationLifecycle({ conversationId: CONVERSATION, messageType: 'SMS', start: T0, agentId: AGENT, queueId: QUEUE, addressFrom: PHONE }),
      ...conversationLifecycle({
        conversationId: uuidFrom('why', 'other'),
        messageType: 'SMS',
        start: T0 + 10 * MINUTE,
        agentId: uuidFrom('why', 'agent-2'),
        queueId: QUEUE,
        addressFrom: PHONE,
        stillConnected: true,
      }),
      presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T0 + 25 * MINUTE }),
      presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T0 + 30 * MINUTE }),
    ]
    await writeFile(busyEvents, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
    const io = capturedIo()
    const code = await main(['--local', '--events', busyEvents, '--channel', 'sms', '--address', PHONE], io)
    const out = io.stdout.join('\n')
    expect(code).toBe(0)
    expect(out).toContain('sessions: 2')
    expect(out).toContain('cap reservation: none')
    expect(out).toContain('why: No message was requested: a conversation of this customer has not ended (no customer.end recorded)')
    const byConversation = capturedIo()
    expect(await main(['--local', '--events', busyEvents, '--conversation', CONVERSATION], byConversation)).toBe(0)
    const answer = byConversation.stdout.join('\n')
    expect(answer).toContain('sessions: 1')
    expect(answer).toMatch(/other conversations of this customer: 1\n .* window .*\.\.- last agent/)
    expect(answer).toContain('why: No message was requested: a conversation of this customer has not ended')
    expect(answer).not.toContain(PHONE)
  })

  it('capped: a second agent served the customer again and came back within 24 h; the reservation explains it', async () => {
    const secondAgent = uuidFrom('why', 'agent-3')
    const later = uuidFrom('why', 'later')
    const cappedEvents = join(dir, 'capped.jsonl')
    const lines = [
      ...conversationLifecycle({ conversationId: CONVERSATION, messageType: 'SMS', start: T0, agentId: AGENT, queueId: QUEUE, addressFrom: PHONE }),
      presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T0 + 25 * MINUTE }),
      presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T0 + 30 * MINUTE }),
      ...conversationLifecycle({ conversationId: later, messageType: 'SMS', start: T0 + 60 * MINUTE, agentId: secondAgent, queueId: QUEUE, addressFrom: PHONE }),
      presenceEvent({ agentId: secondAgent, systemPresence: 'BREAK', at: T0 + 85 * MINUTE }),
      presenceEvent({ agentId: secondAgent, systemPresence: 'ON_QUEUE', at: T0 + 90 * MINUTE }),
    ]
    await writeFile(cappedEvents, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
    const io = capturedIo()
    const code = await main(['--local', '--events', cappedEvents, '--conversation', later], io)
    const out = io.stdout.join('\n')
    expect(code).toBe(0)
    // The reservation is the first trigger's (09:30), still standing at the second trigger (10:30).
    expect(out).toMatch(/cap reservation: since 2025-06-10T09:30:\d\d.\d{3}Z, expires 2025-06-11T09:30/)
    expect(out).toMatch(/why: The customer was messaged at 2025-06-10T09:30:\d\d.\d{3}Z for another of their conversations \([0-9a-f]{8}…\): the 24-hour cap/)
    expect(out).not.toContain('A message was sent')
    expect(out).not.toContain(PHONE)
  })

  it('deferred: over the per-trigger limit, the customer is not requested; why names the possible causes without inventing one', async () => {
    const deferredEvents = join(dir, 'deferred.jsonl')
    const newer = uuidFrom('why', 'newer')
    const lines = [
      ...conversationLifecycle({ conversationId: CONVERSATION, messageType: 'SMS', start: T0, agentId: AGENT, queueId: QUEUE, addressFrom: PHONE }),
      ...conversationLifecycle({ conversationId: newer, messageType: 'SMS', start: T0 + 5 * MINUTE, agentId: AGENT, queueId: QUEUE, addressFrom: '+15553335555' }),
      presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T0 + 25 * MINUTE }),
      presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T0 + 30 * MINUTE }),
    ]
    await writeFile(deferredEvents, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
    const ask = async (conversation: string) => {
      const io = capturedIo()
      const code = await main(['--local', '--events', deferredEvents, '--set', 'MAX_MESSAGES_PER_TRIGGER=1', '--conversation', conversation], io)
      return { code, out: io.stdout.join('\n') }
    }
    // The limit takes the newest conversation first: `newer` is messaged, the older one is deferred.
    expect(await ask(newer)).toMatchObject({ code: 0, out: expect.stringContaining('outcome: sent') })
    const { code, out } = await ask(CONVERSATION)
    expect(code).toBe(0)
    expect(out).toContain('cap reservation: none')
    expect(out).toMatch(/why: .*deferred/)
    expect(out).not.toContain('outcome: sent')
  })

  it('nothing found: says so, exit 1', async () => {
    const { code, out } = await why('--conversation', uuidFrom('why', 'never'))
    expect(code).toBe(1)
    expect(out).toBe('Nothing is recorded about this customer or conversation (sessions expire with their TTL).')
  })

  it('usage errors exit 2 naming the problem', async () => {
    expect(await why('--channel', 'fax', '--address', '1')).toMatchObject({ code: 2, err: expect.stringContaining('unknown channel "fax"') })
    expect(await why('--channel', 'sms')).toMatchObject({ code: 2, err: expect.stringContaining('say who') })
    expect(await why('--conversation', 'x', '--channel', 'sms', '--address', '1')).toMatchObject({ code: 2, err: expect.stringContaining('not both') })
    // The same --set checks as `npm start` (cli/args.ts): a name no function reads, with the known names.
    expect(await why('--set', 'NOPE=1', '--conversation', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('--set NOPE: the setting "NOPE" is not one this project reads') })
    expect(await why('--set', 'nope', '--conversation', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('--set expects NAME=VALUE with an upper-case setting name, got "nope"') })
    const io = capturedIo()
    expect(await main(['--local', '--conversation', 'x'], io)).toBe(2)
    expect(io.stderr[0]).toContain('--local needs --events PATH')
  })

  it('the operator CLI (the installed package) has no local cloud: --local exits 2 and says where it runs', async () => {
    const io = capturedIo()
    expect(await operatorMain(['--local', '--events', 'examples', '--conversation', 'x'], io)).toBe(2)
    expect(io.stderr.join('\n')).toContain('runs from a clone of the repository (npm run proactive -- why --local')
  })
})
