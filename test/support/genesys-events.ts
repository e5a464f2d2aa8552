// The builders live with the local cloud (the bench and scenario generators use them too).
export * from '../../local/genesys-events.ts'
