/** `npm run schema`: writes schema.graphql from the code (a test fails when the committed file is stale). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from './config.js';
import { buildGraphQLSchema, printGraphQLSchema } from './graphql/schema.js';

writeFileSync(join(ROOT_DIR, 'schema.graphql'), printGraphQLSchema(buildGraphQLSchema()));
console.log('Wrote schema.graphql');
