// Reads an address with an optional port as ipvsadm writes and takes it: "10.0.0.1:80", "[2001:db8::1]:80", "10.0.0.1".
import { isIP } from 'node:net';

/** The address and port in `text`, the port undefined when absent; undefined when `text` is not such an address. */
export function readHostPort(text: string): { address: string; port: number | undefined } | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text) ?? /^([0-9.]+)(?::(\d+))?$/.exec(text);
  const address = m?.[1];
  if (address === undefined || !isIP(address) || (m?.[2] !== undefined && Number(m[2]) > 65_535)) return undefined;
  return { address, port: m?.[2] === undefined ? undefined : Number(m[2]) };
}
