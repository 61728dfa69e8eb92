import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type { FabricPeer, SigningIdentity } from '@cityledger/network';

/** Blocks come whole in one message; Fabric's own clients lift gRPC's 4 MB default too. */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/**
 * One gRPC connection per peer, shared by every identity that goes through that peer: fabric-gateway
 * multiplexes all of a client's calls and streams over it.
 */
export class PeerConnections {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(private readonly networkDir: string) {}

  client(peer: FabricPeer): grpc.Client {
    let client = this.clients.get(peer.hostname);
    if (!client) {
      const rootFile = isAbsolute(peer.tlsRootCertFile)
        ? peer.tlsRootCertFile
        : resolve(this.networkDir, peer.tlsRootCertFile);
      client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(readFileSync(rootFile)), {
        // The endpoint may be 127.0.0.1; the certificate names the peer's host name.
        'grpc.ssl_target_name_override': peer.hostname,
        'grpc.default_authority': peer.hostname,
        'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
        'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      });
      this.clients.set(peer.hostname, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/**
 * The connected fabric-gateway `Gateway` of each identity at each peer, least recently used
 * dropped first, so a request never pays for connection setup and thousands of users do not
 * pin thousands of gateways. A re-enrolled user (new role or DID, so a new certificate) gets a
 * new gateway. Closing a gateway leaves the shared gRPC connection open.
 */
export class GatewayCache {
  private readonly entries = new Map<string, { identity: SigningIdentity; gateway: Gateway }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, identity: SigningIdentity, connectAs: (identity: SigningIdentity) => Gateway): Gateway {
    const cached = this.entries.get(key);
    this.entries.delete(key);
    if (cached && cached.identity === identity) {
      this.entries.set(key, cached);
      return cached.gateway;
    }
    cached?.gateway.close();
    const gateway = connectAs(identity);
    this.entries.set(key, { identity, gateway });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      entry.gateway.close();
      this.entries.delete(oldest);
    }
    return gateway;
  }

  close(): void {
    for (const { gateway } of this.entries.values()) gateway.close();
    this.entries.clear();
  }
}
