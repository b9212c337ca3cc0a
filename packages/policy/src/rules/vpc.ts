import { COUNT_TOKENS_ACTION, INVOKE_ACTIONS, PROMPT_ACTIONS } from '@claude-code-bedrock/core';
import { StackModel, TfElement, strings } from '../model';

/** The IAM actions that run inference: what the bedrock-runtime endpoint carries (core's list). */
export const RUNTIME_INVOKE_ACTIONS = INVOKE_ACTIONS;

// One list in core, re-exported for the rules and this package's users.
export { COUNT_TOKENS_ACTION, PROMPT_ACTIONS };

/** The endpoint type of an `aws_vpc_endpoint` (Terraform's default is `Gateway`). */
export function endpointType(endpoint: TfElement): string {
  const type = endpoint.config.vpc_endpoint_type;
  return typeof type === 'string' && type !== '' ? type : 'Gateway';
}

/** The service an endpoint connects to: the last dot-separated part of `service_name`. */
export function endpointService(endpoint: TfElement): string | undefined {
  const name = endpoint.config.service_name;
  return typeof name === 'string' ? name.split('.').pop() : undefined;
}

/** Interface endpoints for `com.amazonaws.<region>.bedrock-runtime` (the inference API). */
export function bedrockRuntimeEndpoints(model: StackModel): TfElement[] {
  return model
    .ofType('aws_vpc_endpoint')
    .filter((e) => endpointType(e) === 'Interface' && endpointService(e) === 'bedrock-runtime');
}

/**
 * An endpoint's policy: its `policy` attribute, else the `policy` of an `aws_vpc_endpoint_policy`
 * whose `vpc_endpoint_id` designates it. `source` is the address the policy is written on;
 * `value` is undefined when the endpoint has no policy (AWS's full-access default).
 */
export function endpointPolicy(
  model: StackModel,
  endpoint: TfElement,
): { readonly value: unknown; readonly source: string } {
  const own = endpoint.config.policy;
  if (own !== undefined && own !== null && own !== '') {
    return { value: own, source: endpoint.address };
  }
  const [attached] = model.pointingAt('aws_vpc_endpoint_policy', 'vpc_endpoint_id', endpoint, {
    attributes: ['id'],
  });
  const value = attached?.config.policy;
  return attached && value !== undefined && value !== null && value !== ''
    ? { value, source: attached.address }
    : { value: undefined, source: endpoint.address };
}

/** The VPC an endpoint lives in, as written (`vpc-...` or a reference); undefined when unset. */
export function vpcOf(element: TfElement): string | undefined {
  const vpc = element.config.vpc_id;
  return typeof vpc === 'string' && vpc !== '' ? vpc : undefined;
}

/** `aws_flow_log`s on a VPC (same literal id, or the same reference). */
export function flowLogsOnVpc(model: StackModel, vpc: string): TfElement[] {
  return model.ofType('aws_flow_log').filter((f) => vpcOf(f) === vpc);
}

/** A flow log's `traffic_type` (`ALL`, `ACCEPT`, `REJECT`), or `(unset)`. */
export function trafficType(flowLog: TfElement): string {
  return strings(flowLog.config.traffic_type)[0] ?? '(unset)';
}
