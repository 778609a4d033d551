/** The top of the house: opens the store, wires every service once, builds the server, runs the schedulers. */
export { startServerRuntime, type ServerRuntime, type RuntimeOptions } from './server_runtime.js';
export { wireServices, type WiredServices, type WiringOptions } from './wire_services.js';
