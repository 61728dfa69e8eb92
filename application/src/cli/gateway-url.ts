/**
 * How the command-line tools that talk to a running gateway (`npm run demo`, `npm run simulate`)
 * find it: `--url`, else `GATEWAY_URL`, else the gateway's default address on this machine.
 */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:3000';

export const GATEWAY_URL_USAGE = `--url <url>   the gateway (default: GATEWAY_URL, else ${DEFAULT_GATEWAY_URL})`;

/** The gateway's base URL without a trailing slash; throws for anything but an http(s) URL. */
export function gatewayUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const text = flag ?? env.GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  const source = flag !== undefined ? '--url' : env.GATEWAY_URL !== undefined ? 'GATEWAY_URL' : 'default';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${source} ${text}: must be an http(s) URL such as ${DEFAULT_GATEWAY_URL}`);
  }
  return text.replace(/\/+$/, '');
}
