import { configFromEnv } from './config';
import { awsDeps } from './deps';
import { createHandler, EnforcerHandler, EnforcerResult } from './handler';

let instance: EnforcerHandler | undefined;

/**
 * The Lambda entry (`index.handler` of the bundle): built on the first event of a container from
 * its environment, so a configuration error is reported as that invocation's error.
 */
export async function handler(event: unknown): Promise<EnforcerResult> {
  instance ??= createHandler(configFromEnv(process.env), awsDeps(process.env));
  return instance(event);
}
