/** Loads proto/sctrace/v1/tracer.proto once, with the options the generated types assume. */
import fs from 'node:fs';
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { loadPackageDefinition, type GrpcObject } from '@grpc/grpc-js';
import type { ProtoGrpcType } from './generated/tracer';
import { packageRoot } from '../util/package';

/** Options matching `proto-loader-gen-types --keepCase --longs String --enums String --defaults --oneofs`. */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** proto/ of the package. */
function protoRoot(): string {
  const dir = path.join(packageRoot(), 'proto');
  if (!fs.existsSync(path.join(dir, 'sctrace/v1/tracer.proto'))) throw new Error(`${dir}/sctrace/v1/tracer.proto not found`);
  return dir;
}

let cached: protoLoader.PackageDefinition | undefined;

/** The loaded package definition (for the server and for reflection). */
export function tracerPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync('sctrace/v1/tracer.proto', { ...LOADER_OPTIONS, includeDirs: [protoRoot()] });
  return cached;
}

/** The typed gRPC object tree (service constructors and definitions). */
export function tracerGrpc(): ProtoGrpcType {
  return loadPackageDefinition(tracerPackageDefinition()) as unknown as ProtoGrpcType & GrpcObject;
}
