import { parseArgs } from 'node:util';
import { loadConsortium } from '@cityledger/network';
import { KNOWN_ROLES, tokenClaimsSchema } from '../auth/caller';
import { resolveJwtKeys } from '../auth/jwt-keys';
import { issueToken } from '../auth/token-issuer';
import { ConfigError, loadGatewayConfig } from '../config/gateway-config';

const USAGE = `usage: npm run token -- --sub <user> --org <MSP ID> --role <role> [--did <DID>] [--ttl 1h]

Prints a gateway token signed with the running configuration (the same environment variables and
data directory as npm start).
  --role  what the user is: ${KNOWN_ROLES.join(', ')}
  --did   who the user is on the ledger, did:cityledger:<channel>:<id> (land owners and buyers,
          donors, beneficiaries); it goes into the user's certificate as the did attribute
`;

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds. */
export function ttlSeconds(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`--ttl ${text}: use seconds or a number with s, m, h or d (e.g. 1h)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds < 1) throw new Error('--ttl must be at least one second');
  return seconds;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
      did: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.sub || !values.org || !values.role) {
    process.stderr.write(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const claims = tokenClaimsSchema.safeParse({
    sub: values.sub,
    org: values.org,
    role: values.role,
    ...(values.did !== undefined ? { did: values.did } : {}),
  });
  if (!claims.success) {
    const issue = claims.error.issues[0]!;
    throw new Error(`--${String(issue.path[0])}: ${issue.message}`);
  }
  const config = loadGatewayConfig(process.env);
  const organizations = loadConsortium(config.consortiumFile)
    .peerOrganizations()
    .map((org) => org.mspId);
  if (!organizations.includes(values.org)) {
    throw new Error(
      `--org ${values.org}: not an organisation of the consortium (${organizations.join(', ')})`,
    );
  }
  const keys = resolveJwtKeys(config);
  if (keys.secretFile?.created) {
    process.stderr.write(`generated a JWT secret in ${keys.secretFile.path}; the gateway will use it too\n`);
  }
  process.stdout.write(
    `${issueToken(keys, { userId: values.sub, mspId: values.org, role: values.role, ...(claims.data.did ? { did: claims.data.did } : {}) }, ttlSeconds(values.ttl))}\n`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(
      `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
