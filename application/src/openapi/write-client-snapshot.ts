/**
 * `npm run client:generate`, first step: writes the document a scratch gateway serves to
 * packages/client/openapi.json. The client's own `generate` script then makes its types from it.
 */
// Before any chaincode module loads: the shim logs every contract decorator otherwise.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

import { writeFileSync } from 'node:fs';
import { CLIENT_OPENAPI_SNAPSHOT, servedOpenApiDocument, snapshotText } from './client-snapshot';

servedOpenApiDocument().then(
  (document) => {
    writeFileSync(CLIENT_OPENAPI_SNAPSHOT, snapshotText(document));
    console.log(`wrote ${CLIENT_OPENAPI_SNAPSHOT}`);
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
