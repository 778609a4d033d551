import { oidcProviderArn } from '../../policy/index.js';
import { ConstraintChecker, PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import type { OidcProviderRecord } from '../emulator_state.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamErrors } from './iam_errors.js';
import { urlWithoutScheme, validateProviderUrl } from './provider_url.js';

/** "You cannot register more than 100 client IDs with a single IAM OIDC provider." (AWS-REFERENCE §5.1) */
const MAX_CLIENT_IDS = 100;
const MAX_THUMBPRINTS = 5;

function checkClientIds(clientIds: readonly string[]): void {
  const checker = new ConstraintChecker();
  for (const id of clientIds) checker.string(id, { member: 'clientIDList', min: 1, max: 255 });
  checker.throwIfAny();
  if (clientIds.length > MAX_CLIENT_IDS) throw iamErrors.quota('ClientIdsPerOpenIdConnectProvider', MAX_CLIENT_IDS);
}

function checkThumbprints(thumbprints: readonly string[]): void {
  const checker = new ConstraintChecker();
  for (const t of thumbprints) checker.string(t, { member: 'thumbprintList', min: 40, max: 40 });
  checker.throwIfAny();
  if (thumbprints.length > MAX_THUMBPRINTS) throw iamErrors.quota('ThumbprintsPerOpenIdConnectProvider', MAX_THUMBPRINTS);
}

function providerByArn(context: ActionContext, member = 'OpenIDConnectProviderArn'): OidcProviderRecord {
  const arn = context.params.get(member);
  new ConstraintChecker().string(arn, { member: 'openIDConnectProviderArn', required: true, min: 20, max: 2048 }).throwIfAny();
  const provider = accountOf(context).oidcProviders[arn!];
  if (provider === undefined) {
    context.authorize(actionOf(context), arn!);
    throw iamErrors.noSuchProvider(arn!);
  }
  context.authorize(actionOf(context), provider.arn);
  return provider;
}

function actionOf(context: ActionContext): string {
  return `iam:${context.params.get('Action') ?? ''}`;
}

const createOpenIDConnectProvider: ActionHandler = (context) => {
  const url = context.params.get('Url');
  new ConstraintChecker().string(url, { member: 'url', required: true, min: 1, max: 255 }).throwIfAny();
  validateProviderUrl(url!);
  const account = accountOf(context);
  const arn = oidcProviderArn(account.accountId, url!);
  context.authorize('iam:CreateOpenIDConnectProvider', arn);
  const clientIds = [...new Set(context.params.list('ClientIDList'))];
  const thumbprints = context.params.list('ThumbprintList');
  checkClientIds(clientIds);
  checkThumbprints(thumbprints);
  if (Object.values(account.oidcProviders).some((p) => p.arn === arn)) throw iamErrors.providerExists(url!);
  const tags = tagsParam(context);
  account.oidcProviders[arn] = {
    url: url!,
    arn,
    clientIds,
    thumbprints,
    tags,
    createDate: new Date(context.now).toISOString(),
  };
  context.markChanged();
  return { OpenIDConnectProviderArn: arn, Tags: tags.length > 0 ? tags : undefined };
};

const getOpenIDConnectProvider: ActionHandler = (context) => {
  const provider = providerByArn(context);
  return {
    // IAM returns the URL without its scheme (AWS-REFERENCE §5.1).
    Url: urlWithoutScheme(provider.url),
    ClientIDList: provider.clientIds,
    ThumbprintList: provider.thumbprints,
    CreateDate: new Date(provider.createDate),
    Tags: provider.tags,
  };
};

const listOpenIDConnectProviders: ActionHandler = (context) => {
  const account = accountOf(context);
  context.authorize('iam:ListOpenIDConnectProviders', `arn:aws:iam::${account.accountId}:oidc-provider/*`);
  return { OpenIDConnectProviderList: Object.values(account.oidcProviders).map((p) => ({ Arn: p.arn })) };
};

const deleteOpenIDConnectProvider: ActionHandler = (context) => {
  const provider = providerByArn(context);
  delete accountOf(context).oidcProviders[provider.arn];
  context.markChanged();
  return undefined;
};

const addClientIDToOpenIDConnectProvider: ActionHandler = (context) => {
  const clientId = context.params.get('ClientID');
  new ConstraintChecker().string(clientId, { member: 'clientID', required: true, min: 1, max: 255 }).throwIfAny();
  const provider = providerByArn(context);
  if (!provider.clientIds.includes(clientId!)) {
    checkClientIds([...provider.clientIds, clientId!]);
    provider.clientIds.push(clientId!);
    context.markChanged();
  }
  return undefined;
};

const removeClientIDFromOpenIDConnectProvider: ActionHandler = (context) => {
  const clientId = context.params.get('ClientID');
  new ConstraintChecker().string(clientId, { member: 'clientID', required: true, min: 1, max: 255 }).throwIfAny();
  const provider = providerByArn(context);
  // Removing an id that is not registered succeeds, as in IAM.
  provider.clientIds = provider.clientIds.filter((id) => id !== clientId);
  context.markChanged();
  return undefined;
};

const updateOpenIDConnectProviderThumbprint: ActionHandler = (context) => {
  const thumbprints = context.params.list('ThumbprintList');
  const checker = new ConstraintChecker();
  for (const t of thumbprints) checker.string(t, { member: 'thumbprintList', pattern: PATTERNS.thumbprint });
  checker.throwIfAny();
  checkThumbprints(thumbprints);
  const provider = providerByArn(context);
  provider.thumbprints = thumbprints;
  context.markChanged();
  return undefined;
};

export const oidcProviderActions: Record<string, ActionHandler> = {
  CreateOpenIDConnectProvider: createOpenIDConnectProvider,
  GetOpenIDConnectProvider: getOpenIDConnectProvider,
  ListOpenIDConnectProviders: listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider: addClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider: removeClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint: updateOpenIDConnectProviderThumbprint,
};
