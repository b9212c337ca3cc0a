import { soleReference } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';

const AWS_SNS_ALIAS = /(^|:)alias\/aws\/sns$/;

/** SNS topics are not encrypted with the AWS-managed `alias/aws/sns` key. */
export const snsNoAwsManagedKey: PolicyRule = {
  id: 'CCB-SNS-1',
  description:
    'SNS topics are not encrypted with the AWS-managed alias/aws/sns key (AWS Budgets and CloudWatch cannot publish to them)',
  severity: 'error',
  fix: 'Leave kms_master_key_id unset or use a customer-managed KMS key whose policy allows budgets.amazonaws.com and cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt',
  checks: ['budget-monitoring'],
  evaluate({ model }) {
    return model.ofType('aws_sns_topic').map((topic) => {
      const key = topic.config.kms_master_key_id;
      if (key === undefined || key === null || key === '')
        return compliant(topic, 'not encrypted with a KMS key');
      let alias = typeof key === 'string' ? key : '';
      const ref = soleReference(key);
      const target = ref && model.get(ref.address);
      if (target?.mode === 'data' && target.type === 'aws_kms_alias')
        alias = String(target.config.name ?? '');
      if (target?.mode === 'data' && target.type === 'aws_kms_key')
        alias = String(target.config.key_id ?? '');
      return AWS_SNS_ALIAS.test(alias)
        ? nonCompliant(topic, `kms_master_key_id is the AWS-managed key ${alias}`)
        : compliant(topic, `kms_master_key_id is ${String(key)}`);
    });
  },
};
