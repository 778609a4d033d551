import { InvalidInputError } from '../../core/index.js';
import { renderCli } from './render_cli.js';
import { renderCloudFormation } from './render_cloudformation.js';
import { renderTerraform } from './render_terraform.js';
import { RENDER_FORMATS, type RenderFormat, type RoleSetup } from './role_setup.js';

/** Renders a role set-up as the trust policy JSON, Terraform, CloudFormation YAML or AWS CLI commands. */
export function renderPolicy(format: RenderFormat | string, setup: RoleSetup): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(setup.trustPolicy, null, 2)}\n`;
    case 'terraform':
      return renderTerraform(setup);
    case 'cloudformation':
      return renderCloudFormation(setup);
    case 'cli':
      return renderCli(setup);
    default:
      throw new InvalidInputError('unknown_format', `Unknown format "${format}" (expected ${RENDER_FORMATS.join(', ')}).`, { format });
  }
}
