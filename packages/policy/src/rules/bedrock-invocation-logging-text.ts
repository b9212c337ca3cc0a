import { block, bool } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';

/** Model invocation logging delivers prompts and completions (text) to a destination. */
export const bedrockInvocationLoggingText: PolicyRule = {
  id: 'CCB-BR-1',
  description:
    'Bedrock model invocation logging delivers text (text_data_delivery_enabled true) to S3 or CloudWatch Logs',
  severity: 'error',
  fix: 'In aws_bedrock_model_invocation_logging_configuration set logging_config.text_data_delivery_enabled = true and an s3_config and/or cloudwatch_config destination',
  checks: ['content-audit-trail'],
  evaluate({ model }) {
    return model.ofType('aws_bedrock_model_invocation_logging_configuration').map((c) => {
      const logging = block(c.config.logging_config);
      if (!logging) return nonCompliant(c, 'has no logging_config');
      if (bool(logging.text_data_delivery_enabled) !== true) {
        return nonCompliant(c, 'logging_config.text_data_delivery_enabled is not true');
      }
      const s3 = block(logging.s3_config)?.bucket_name;
      const cw = block(logging.cloudwatch_config)?.log_group_name;
      if (!s3 && !cw)
        return nonCompliant(c, 'logging_config has neither s3_config nor cloudwatch_config');
      return compliant(
        c,
        `text delivered to ${[s3 && 'S3', cw && 'CloudWatch Logs'].filter(Boolean).join(' and ')}`,
      );
    });
  },
};
