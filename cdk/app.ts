/**
 * CDK app entry (cdk.json: `node --import tsx cdk/app.ts`). Synthesises offline with no credentials: without
 * CDK_DEFAULT_ACCOUNT the stack is environment-agnostic. `-c stackName=...` deploys a second copy;
 * `-c nag=true` runs the cdk-nag AwsSolutions and Serverless packs during synth.
 */
import { App, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag'
import { APP_CONTEXT } from './settings.ts'
import { ProactiveMessagingStack } from './stack.ts'

const app = new App()
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? APP_CONTEXT.stackName.default
new ProactiveMessagingStack(app, stackName, {
  description: 'Presence-triggered proactive messaging for Genesys Cloud',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
})
if (String(app.node.tryGetContext('nag')) === 'true') {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app))
}
app.synth()
