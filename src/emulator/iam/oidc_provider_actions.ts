import { oidcProviderArn } from '../../policy/index.js';
import { AwsError } from '../aws_error.js';
import { PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import type { OidcProviderRecord } from '../emulator_state.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamChecker } from './iam_checker.js';
import { iamErrors } from './iam_errors.js';
import { checkTagKeys, checkTags, mergeTags, withoutTags } from './iam_tags.js';
import { paginate } from './pagination.js';
import { urlWithoutScheme, validateProviderUrl } from './provider_url.js';

/** "You cannot register more than 100 client IDs with a single IAM OIDC provider." (AWS-REFERENCE §5.1) */
const MAX_CLIENT_IDS = 100;
const MAX_THUMBPRINTS = 5;

/**
 * The model's per-item limits, all reported in one ValidationError without values (recorded:
 * `3 validation errors detected: Value at 'clientIDList' … Member must satisfy constraint: [Member must
 * have length less than or equal to 255, Member must have length greater than or equal to 1]; Value at
 * 'thumbprintList' …; Value at 'url' …`), members in that order; then the count limits.
 */
function checkProviderLists(clientIds: readonly string[], thumbprints: readonly string[], url?: string | null): void {
  const checker = iamChecker()
    .listItems(clientIds, { member: 'clientIDList', min: 1, max: 255 })
    .listItems(thumbprints, { member: 'thumbprintList', min: 40, max: 40 });
  if (url !== null) checker.string(url, { member: 'url', required: true, min: 1, max: 255 });
  checker.throwIfAny();
  if (thumbprints.length > MAX_THUMBPRINTS) throw iamErrors.invalidInput('Thumbprint list must contain fewer than 5 entries.');
  if (clientIds.length > MAX_CLIENT_IDS) throw iamErrors.quota('ClientIdsPerOpenIdConnectProvider', MAX_CLIENT_IDS);
}

function providerByArn(context: ActionContext, notFound = iamErrors.noSuchProvider): OidcProviderRecord {
  const arn = context.params.get('OpenIDConnectProviderArn');
  iamChecker().string(arn, { member: 'openIDConnectProviderArn', required: true, min: 20, max: 2048 }).throwIfAny();
  const provider = accountOf(context).oidcProviders[arn!];
  if (provider === undefined) {
    context.authorize(actionOf(context), arn!);
    throw notFound(arn!);
  }
  context.authorize(actionOf(context), provider.arn);
  return provider;
}

function actionOf(context: ActionContext): string {
  return `iam:${context.params.get('Action') ?? ''}`;
}

const createOpenIDConnectProvider: ActionHandler = (context) => {
  const url = context.params.get('Url');
  const clientIds = [...new Set(context.params.list('ClientIDList'))];
  const thumbprints = context.params.list('ThumbprintList');
  checkProviderLists(clientIds, thumbprints, url);
  validateProviderUrl(url!);
  const account = accountOf(context);
  const arn = oidcProviderArn(account.accountId, url!);
  context.authorize('iam:CreateOpenIDConnectProvider', arn);
  const tags = tagsParam(context);
  checkTags(tags);
  if (Object.values(account.oidcProviders).some((p) => p.arn === arn)) throw iamErrors.providerExists(url!);
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

/** DeleteOpenIDConnectProvider has its own not-found text (recorded), unlike Get's. */
const deleteOpenIDConnectProvider: ActionHandler = (context) => {
  const provider = providerByArn(context, (arn) => new AwsError('NoSuchEntity', 404, `OpenId connect Provider ${arn} cannot be found.`));
  delete accountOf(context).oidcProviders[provider.arn];
  context.markChanged();
  return undefined;
};

const addClientIDToOpenIDConnectProvider: ActionHandler = (context) => {
  const clientId = context.params.get('ClientID');
  iamChecker().string(clientId, { member: 'clientID', required: true, min: 1, max: 255 }).throwIfAny();
  const provider = providerByArn(context);
  if (!provider.clientIds.includes(clientId!)) {
    checkProviderLists([...provider.clientIds, clientId!], [], null);
    provider.clientIds.push(clientId!);
    context.markChanged();
  }
  return undefined;
};

const removeClientIDFromOpenIDConnectProvider: ActionHandler = (context) => {
  const clientId = context.params.get('ClientID');
  iamChecker().string(clientId, { member: 'clientID', required: true, min: 1, max: 255 }).throwIfAny();
  const provider = providerByArn(context);
  // Removing an id that is not registered succeeds, as in IAM.
  provider.clientIds = provider.clientIds.filter((id) => id !== clientId);
  context.markChanged();
  return undefined;
};

const updateOpenIDConnectProviderThumbprint: ActionHandler = (context) => {
  const thumbprints = context.params.list('ThumbprintList');
  iamChecker().listItems(thumbprints, { member: 'thumbprintList', min: 40, max: 40, pattern: PATTERNS.thumbprint }).throwIfAny();
  checkProviderLists([], thumbprints, null);
  const provider = providerByArn(context);
  provider.thumbprints = thumbprints;
  context.markChanged();
  return undefined;
};

const tagOpenIDConnectProvider: ActionHandler = (context) => {
  const tags = tagsParam(context);
  checkTags(tags);
  const provider = providerByArn(context);
  provider.tags = mergeTags(provider.tags, tags);
  context.markChanged();
  return undefined;
};

const untagOpenIDConnectProvider: ActionHandler = (context) => {
  const keys = context.params.list('TagKeys');
  checkTagKeys(keys);
  const provider = providerByArn(context);
  provider.tags = withoutTags(provider.tags, keys);
  context.markChanged();
  return undefined;
};

const listOpenIDConnectProviderTags: ActionHandler = (context) => {
  const provider = providerByArn(context);
  const page = paginate(context, provider.tags);
  return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

export const oidcProviderActions: Record<string, ActionHandler> = {
  CreateOpenIDConnectProvider: createOpenIDConnectProvider,
  GetOpenIDConnectProvider: getOpenIDConnectProvider,
  ListOpenIDConnectProviders: listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider: addClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider: removeClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint: updateOpenIDConnectProviderThumbprint,
  TagOpenIDConnectProvider: tagOpenIDConnectProvider,
  UntagOpenIDConnectProvider: untagOpenIDConnectProvider,
  ListOpenIDConnectProviderTags: listOpenIDConnectProviderTags,
};
