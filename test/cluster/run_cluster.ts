/**
 * `npm run cluster`: a throwaway PostgreSQL, the AWS emulator, three `rolebridge serve` replicas and nginx in
 * front, for a person to try what test/cluster/cluster.test.ts checks. Ctrl-C stops and deletes everything.
 *   REPLICAS=5 npm run cluster     more replicas
 *   VERBOSE=1 npm run cluster      show every replica's log lines
 */
import { startEmulator } from '../../src/emulator/index.js';
import { createTestDatabase, startPostgresCluster } from '../helpers/postgres_cluster.js';
import { CLUSTER_ADMIN_TOKEN, startRolebridgeCluster } from '../helpers/rolebridge_cluster.js';

const replicas = Number(process.env.REPLICAS ?? 3);
const postgres = await startPostgresCluster();
const emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
const databaseUrl = await createTestDatabase(postgres.url, 'rolebridge');
process.stdout.write(`starting ${replicas} replicas on ${databaseUrl} …\n`);
const cluster = await startRolebridgeCluster({
  databaseUrl,
  replicas,
  env: { AWS_ENDPOINT_URL_STS: emulator.url, AWS_REGION: 'us-east-1', ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS: '60' },
  ...(process.env.VERBOSE ? { echo: (replica: number, line: string) => process.stdout.write(`[replica ${replica}] ${line}\n`) } : {}),
});
process.stdout.write(
  [
    '',
    `load balancer (nginx)  ${cluster.url}`,
    ...cluster.replicas.map((replica) => `replica ${replica.index} (pid ${replica.child.pid})   ${replica.url}`),
    `PostgreSQL             ${databaseUrl}`,
    `AWS emulator           ${emulator.url}`,
    `issuer template        ${cluster.issuerTemplate}`,
    `admin token            ${CLUSTER_ADMIN_TOKEN}`,
    '',
    `try:  curl -s -X POST ${cluster.url}/api/v1/tenants -H 'authorization: Bearer ${CLUSTER_ADMIN_TOKEN}' -H 'content-type: application/json' -d '{"id":"acme","name":"Acme"}'`,
    `      kill -9 <a replica's pid>, then keep calling ${cluster.url}`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
await new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
process.stdout.write('stopping …\n');
await cluster.stop();
await emulator.close();
await postgres.stop();
