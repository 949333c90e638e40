/** A grpc.health.v1 Check against an address, as a probe would make it. */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** The status string ('SERVING', 'NOT_SERVING', ...) `address` reports for `service`. */
export async function checkHealth(address: string, service = ''): Promise<string> {
  const health = loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as any;
  const client = new health.grpc.health.v1.Health(address, credentials.createInsecure());
  try {
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      client.Check({ service }, (err: Error | null, r: { status: string }) => (err ? reject(err) : resolve(r))),
    );
    return res.status;
  } finally {
    client.close();
  }
}
