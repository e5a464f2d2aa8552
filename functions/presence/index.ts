// Placeholder: being written. Exports the Lambda handler.
export const handler = async (): Promise<void> => {}
