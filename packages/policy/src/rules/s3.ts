import { StackModel, TfElement } from '../model';

const BUCKET_REF = { attributes: ['id', 'bucket'], literalKey: 'bucket' };

/**
 * The separate configuration resources (`aws_s3_bucket_<kind>`) whose `bucket` designates this
 * bucket, by reference (`${aws_s3_bucket.x.id}` or `.bucket`) or by its literal name.
 */
export function bucketConfigurations(
  model: StackModel,
  bucket: TfElement,
  type: string,
): TfElement[] {
  return model.pointingAt(type, 'bucket', bucket, BUCKET_REF);
}

/** Every S3 bucket of the stack. */
export function buckets(model: StackModel): TfElement[] {
  return model.ofType('aws_s3_bucket');
}
