// `node --import ./record_modules.mjs …`: appends the URL of every module the process resolves to the file
// named by ROLEBRIDGE_MODULE_LOG, so a test can see which code a command loads.
import { register } from 'node:module';

register('./resolve_hook.mjs', import.meta.url, { data: { out: process.env.ROLEBRIDGE_MODULE_LOG } });
