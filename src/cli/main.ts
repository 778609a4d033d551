import { runCli } from './program.js';

// rolebridge pins an AWS SDK line that supports Node 20 (package.json); the SDK's notice that later lines will
// need Node 22 would only clutter the output of credential_process and friends.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
