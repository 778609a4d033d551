/** The three ways a workload uses its secret, as ready-to-paste text (the README's "workload side"). */
export function workloadSnippets(origin: string, secret: string, connection: string): Array<{ title: string; text: string }> {
  return [
    {
      title: 'Container credentials (any AWS SDK)',
      text: [
        `AWS_CONTAINER_CREDENTIALS_FULL_URI=${origin}/api/v1/credentials/${connection}`,
        `AWS_CONTAINER_AUTHORIZATION_TOKEN=${secret}`,
      ].join('\n'),
    },
    {
      title: 'credential_process profile (~/.aws/config)',
      text: [
        '[profile rolebridge]',
        `credential_process = npx rolebridge credential-process --connection ${connection} --server ${origin}`,
        '',
        `# in the environment of the process that uses the profile:`,
        `ROLEBRIDGE_WORKLOAD_SECRET=${secret}`,
      ].join('\n'),
    },
    {
      title: 'Token-file agent (AWS_WEB_IDENTITY_TOKEN_FILE)',
      text: [
        `ROLEBRIDGE_SERVER=${origin} ROLEBRIDGE_WORKLOAD_SECRET=${secret} \\`,
        '  npx rolebridge agent --token-file /var/run/rolebridge/token &',
        '',
        '# then, for the AWS SDK:',
        'AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/rolebridge/token',
        'AWS_ROLE_ARN=arn:aws:iam::<account>:role/<role>',
      ].join('\n'),
    },
  ];
}
