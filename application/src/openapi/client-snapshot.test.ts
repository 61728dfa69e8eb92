import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OPERATIONS } from '@cityledger/client';
import { expect } from 'chai';
import { CLIENT_OPENAPI_SNAPSHOT, servedOpenApiDocument, snapshotText } from './client-snapshot';

const UPDATE = 'run `npm run client:generate` and commit packages/client';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('@cityledger/client against the gateway it was generated from', () => {
  let served: Record<string, unknown>;

  before(async function () {
    this.timeout(120_000);
    served = await servedOpenApiDocument();
  });

  it('has every operation the gateway serves', () => {
    const known = new Set(OPERATIONS.map(([method, path]) => `${method} ${path}`));
    const paths = served.paths as Record<string, Record<string, unknown>>;
    const missing = Object.entries(paths)
      .flatMap(([path, item]) => METHODS.filter((m) => m in item).map((m) => `${m} ${path}`))
      .filter((operation) => !known.has(operation));
    expect(missing, `operations missing from the client: ${UPDATE}`).to.deep.equal([]);
  });

  it('was generated from the document the gateway serves now', () => {
    // Compared as text, the way it is written, so that a stale snapshot shows as a diff.
    expect(
      readFileSync(CLIENT_OPENAPI_SNAPSHOT, 'utf8'),
      `packages/client/openapi.json is stale: ${UPDATE}`,
    ).to.equal(snapshotText(served));
  });

  it('has the types and operation list its generator makes of that document', function () {
    this.timeout(60_000);
    const clientDir = dirname(CLIENT_OPENAPI_SNAPSHOT);
    const check = spawnSync(process.execPath, [join(clientDir, 'scripts', 'generate.mjs'), '--check'], {
      cwd: clientDir,
      encoding: 'utf8',
    });
    expect(check.status, `${check.stderr}${UPDATE}`).to.equal(0);
  });
});
