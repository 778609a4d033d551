import type { ActionContext } from '../emulator_service.js';
import type { EmulatorState } from '../emulator_state.js';

/** A provisioned cluster, as far as database credentials need one. */
export interface RedshiftClusterRecord {
  clusterIdentifier: string;
  accountId: string;
  region: string;
  nodeType: string;
  numberOfNodes: number;
  masterUsername: string;
  dbName: string;
  address: string;
  port: number;
  createTime: string;
}

export interface ServerlessNamespaceRecord {
  namespaceName: string;
  namespaceId: string;
  namespaceArn: string;
  accountId: string;
  region: string;
  dbName: string;
  adminUsername?: string;
  creationDate: string;
}

export interface ServerlessWorkgroupRecord {
  workgroupName: string;
  workgroupId: string;
  workgroupArn: string;
  namespaceName: string;
  accountId: string;
  region: string;
  address: string;
  port: number;
  creationDate: string;
}

/** Redshift's part of the emulator state; plain JSON so that `--state-file` keeps it. */
export interface RedshiftState {
  /** By `<account>/<region>/<cluster identifier>`. */
  clusters: Record<string, RedshiftClusterRecord>;
  /** By `<account>/<region>/<namespace name>`. */
  namespaces: Record<string, ServerlessNamespaceRecord>;
  /** By `<account>/<region>/<workgroup name>`. */
  workgroups: Record<string, ServerlessWorkgroupRecord>;
}

// The emulator state grows an optional `redshift` member from here, so the Redshift room needs no
// edit to the shared state file and older state files (without it) still load.
declare module '../emulator_state.js' {
  interface EmulatorState {
    redshift?: RedshiftState;
  }
}

export function redshiftStateOf(state: EmulatorState): RedshiftState {
  return (state.redshift ??= { clusters: {}, namespaces: {}, workgroups: {} });
}

/** Redshift resources live in the signing caller's account (and the request's region), as in AWS. */
export function callerAccount(context: Pick<ActionContext, 'caller'>): string {
  if (context.caller === undefined) throw new Error('Redshift actions are signed; no caller');
  return context.caller.accountId;
}
