import type { JsonService } from '../emulator_service.js';
import { getServerlessCredentials } from './get_serverless_credentials.js';
import { createNamespace, createWorkgroup, getWorkgroup } from './serverless_workgroups.js';

/** Redshift Serverless, JSON 1.1 protocol, `X-Amz-Target: RedshiftServerless.<Action>` (API 2021-04-21). */
export const redshiftServerlessService: JsonService = {
  protocol: 'json',
  signingName: 'redshift-serverless',
  eventSource: 'redshift-serverless.amazonaws.com',
  targetPrefix: 'RedshiftServerless',
  actions: {
    CreateNamespace: createNamespace,
    CreateWorkgroup: createWorkgroup,
    GetWorkgroup: getWorkgroup,
    GetCredentials: getServerlessCredentials,
  },
};
