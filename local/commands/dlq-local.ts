/**
 * `proactive dlq inspect|redrive --local`, as a clone of the repository runs it (local/proactive.ts): runs --events
 * through the local cloud first (with --chaos faults), then inspects the send DLQ, or redrives it with the faults off.
 */
import { dlqCommand, formatLetters, formatProgress, type LocalDlq, withoutBody } from '../../cli/commands/dlq.ts'
import { parseChaosSpec } from '../chaos.ts'
import { LocalCloud } from '../cloud.ts'
import { runScenario } from '../run-scenario.ts'
import { readScenario, ScenarioError } from '../scenario.ts'
import { formatSummary } from './run.ts'

const runDlqLocally: LocalDlq = async (action, values, io) => {
  if (!values.events) {
    io.err('proactive dlq: --local needs --events PATH (the scenario to run first)')
    return 2
  }
  let entries
  let chaos
  try {
    entries = await readScenario(values.events)
    chaos = values.chaos ? parseChaosSpec(values.chaos) : undefined
  } catch (error) {
    if (error instanceof ScenarioError || (error as Error).name === 'ChaosSpecError') {
      io.err(`proactive dlq: ${(error as Error).message}`)
      return 2
    }
    throw error
  }
  const cloud = await LocalCloud.start({ chaos })
  try {
    io.err(`Running ${entries.length} event(s) from ${values.events}${values.chaos ? ` with --chaos ${values.chaos}` : ''}…`)
    const before = await runScenario(cloud, entries)
    const letters = (await cloud.deadLetters()).filter((letter) => letter.queue === 'send-dlq')
    if (action === 'inspect') {
      io.out(values.json ? JSON.stringify(letters.map(withoutBody)) : formatLetters(letters))
      return 0
    }
    io.out(formatLetters(letters))
    io.out(`\nThe faults are fixed; redriving ${letters.length} message(s) to the send queue…`)
    cloud.simulator?.setFaults(undefined)
    const result = await cloud.redrive('send')
    io.out(formatProgress(result))
    await cloud.drain()
    const after = await runScenario(cloud, [])
    io.out(`\nBefore the redrive: ${before.messages.sent} sent, ${before.messages.deadLettered} dead-lettered.`)
    io.out(formatSummary(after))
    return result.status === 'COMPLETED' ? 0 : 1
  } finally {
    await cloud.close()
  }
}

export const main = dlqCommand(runDlqLocally)
