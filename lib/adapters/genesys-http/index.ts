export * from './failure.ts'
export * from './rate-limit.ts'
export * from './session.ts'
