import { AwsError } from '../aws_error.js';

/** IAM's entity errors with the texts AWS sends (AWS-REFERENCE §5.2); unconfirmed texts are marked. */
export const iamErrors = {
  roleExists: (name: string) => new AwsError('EntityAlreadyExists', 409, `Role with name ${name} already exists.`),
  userExists: (name: string) => new AwsError('EntityAlreadyExists', 409, `User with name ${name} already exists.`),
  providerExists: (url: string) => new AwsError('EntityAlreadyExists', 409, `Provider with url ${url} already exists.`),
  noSuchRole: (name: string) => new AwsError('NoSuchEntity', 404, `The role with name ${name} cannot be found.`),
  noSuchUser: (name: string) => new AwsError('NoSuchEntity', 404, `The user with name ${name} cannot be found.`),
  /** Text unconfirmed (AWS-REFERENCE §10.15); follows the form other emulators and SDK tests use. */
  noSuchProvider: (arn: string) => new AwsError('NoSuchEntity', 404, `OpenIDConnect Provider not found for arn ${arn}`),
  noSuchRolePolicy: (name: string) => new AwsError('NoSuchEntity', 404, `The role policy with name ${name} cannot be found.`),
  noSuchUserPolicy: (name: string) => new AwsError('NoSuchEntity', 404, `The user policy with name ${name} cannot be found.`),
  noSuchAccessKey: (id: string) => new AwsError('NoSuchEntity', 404, `The Access Key with id ${id} cannot be found.`),
  deleteConflict: (what: 'policies' | 'access keys') =>
    new AwsError('DeleteConflict', 409, `Cannot delete entity, must delete ${what} first.`),
  /** IAM's quota message family: `Cannot exceed quota for ACLSizePerRole: 2048`. */
  quota: (name: string, limit: number) => new AwsError('LimitExceeded', 409, `Cannot exceed quota for ${name}: ${limit}`),
  invalidInput: (message: string) => new AwsError('InvalidInput', 400, message),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicyDocument', 400, message),
};
