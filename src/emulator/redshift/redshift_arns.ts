/** Resource ARNs the Redshift permission checks name (AWS-REFERENCE §7.2, Redshift IAM docs). */
export const redshiftArns = {
  cluster: (region: string, account: string, cluster: string) => `arn:aws:redshift:${region}:${account}:cluster:${cluster}`,
  dbUser: (region: string, account: string, cluster: string, user: string) =>
    `arn:aws:redshift:${region}:${account}:dbuser:${cluster}/${user}`,
  dbName: (region: string, account: string, cluster: string, db: string) =>
    `arn:aws:redshift:${region}:${account}:dbname:${cluster}/${db}`,
  dbGroup: (region: string, account: string, cluster: string, group: string) =>
    `arn:aws:redshift:${region}:${account}:dbgroup:${cluster}/${group}`,
  /** Serverless ARNs carry the resource's generated id, not its name. */
  namespace: (region: string, account: string, id: string) => `arn:aws:redshift-serverless:${region}:${account}:namespace/${id}`,
  workgroup: (region: string, account: string, id: string) => `arn:aws:redshift-serverless:${region}:${account}:workgroup/${id}`,
};
