/**
 * Setup file of the integration and chaos projects: the local clouds a test file starts one after another
 * (`LocalCloud.start`, directly or through a command run in-process) share one dynalite and one local SQS, started
 * at the first cloud's start and emptied at each one after; a cloud started while another runs gets its own.
 * Saves about a second a cloud. Closed after the file.
 */
import { afterAll } from 'vitest'
import { shareLocalServices } from '../../local/local-services.ts'

afterAll(shareLocalServices())
