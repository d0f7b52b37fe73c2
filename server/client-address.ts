import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * The client's network address (TRUST_PROXY, README: Security). Unset: the address the connection
 * comes from, and X-Forwarded-For is ignored (anyone can send it). Set to the reverse proxies in
 * front (addresses, CIDR ranges, or `loopback`): when the connection comes from one of them, the
 * client is the right-most address of X-Forwarded-For that is not itself a trusted proxy (each
 * proxy appends the address it saw; only the ones we trust are believed).
 */
export class ClientAddress {
  private readonly trusted: BlockList | undefined;

  constructor(trustProxy: readonly string[]) {
    if (trustProxy.length === 0) return;
    this.trusted = new BlockList();
    for (const entry of trustProxy) addTrusted(this.trusted, entry);
  }

  of(req: IncomingMessage): string | null {
    const peer = normalize(req.socket.remoteAddress);
    if (!peer || !this.isTrusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => hop.trim()).filter((hop) => hop !== '');
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalize(hops[i]);
      // Not an address: whatever is left of it cannot be believed; the last trusted hop is the client.
      if (!hop) break;
      client = hop;
      if (!this.isTrusted(hop)) break;
    }
    return client;
  }

  private isTrusted(address: string): boolean {
    return this.trusted?.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4') ?? false;
  }
}

/** Is this a TRUST_PROXY entry: an address, a CIDR range, or `loopback`? The problem, or null. */
export function trustProxyProblem(entry: string): string | null {
  try {
    addTrusted(new BlockList(), entry);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function addTrusted(list: BlockList, entry: string): void {
  if (entry === 'loopback') {
    list.addSubnet('127.0.0.0', 8, 'ipv4');
    list.addAddress('::1', 'ipv6');
    return;
  }
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) throw new Error(`"${entry}" is not an address, a CIDR range or loopback`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) return list.addAddress(address!, type);
  const prefix = Number(bits);
  if (!/^\d+$/.test(bits) || prefix > (family === 6 ? 128 : 32)) throw new Error(`"${entry}" has an invalid prefix length`);
  list.addSubnet(address!, prefix, type);
}

/** An address as compared and stored: an IPv4 address mapped into IPv6 is the IPv4 address. */
function normalize(raw: string | undefined): string | null {
  if (!raw) return null;
  const address = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const unmapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return isIP(unmapped) === 0 ? null : unmapped;
}
