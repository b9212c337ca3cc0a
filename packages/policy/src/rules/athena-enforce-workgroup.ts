import { block, bool } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';

/** Athena workgroups override client-side settings (result location, encryption, cutoff). */
export const athenaEnforceWorkgroup: PolicyRule = {
  id: 'CCB-ATH-1',
  description:
    'Athena workgroups enforce their configuration (configuration.enforce_workgroup_configuration true)',
  severity: 'error',
  fix: 'Give the aws_athena_workgroup a configuration block with enforce_workgroup_configuration = true (the provider default inside the block), so its result location and encryption apply to every query',
  checks: ['encryption'],
  evaluate({ model }) {
    return model.ofType('aws_athena_workgroup').map((wg) => {
      const configuration = block(wg.config.configuration);
      if (!configuration)
        return nonCompliant(wg, 'has no configuration block (client-side settings win)');
      const enforce = bool(configuration.enforce_workgroup_configuration);
      return enforce === false
        ? nonCompliant(wg, 'configuration.enforce_workgroup_configuration is false')
        : compliant(
            wg,
            enforce === true
              ? 'enforce_workgroup_configuration is true'
              : 'enforce_workgroup_configuration defaults to true',
          );
    });
  },
};
