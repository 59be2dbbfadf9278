// @ts-check
/**
 * The service of the proxyless example: one unary method, `Who`, whose reply
 * is the name of the backend that answered. Messages are raw bytes, so the
 * example needs no .proto file and no code generation; a real service would
 * use generated stubs or @grpc/proto-loader in exactly the same places.
 */
import * as grpc from '@grpc/grpc-js';

/** @param {Buffer} bytes */
const raw = (bytes) => bytes;

export const whoamiService = {
  Who: {
    path: '/koguma.example.Whoami/Who',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

/** A client class for the service: `new WhoamiClient('xds:///backend', credentials)`. */
export const WhoamiClient = grpc.makeGenericClientConstructor(whoamiService, 'Whoami');
