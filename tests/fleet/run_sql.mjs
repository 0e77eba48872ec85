// Runs the DuckDB queries of docs/fleet.md: every ```sql block whose first
// line is "-- duckdb: NAME". Prints "NAME<TAB>rows as compact JSON" per block.
// Usage (cwd = the directory holding the export `fleet/`):
//   node run_sql.mjs docs/fleet.md
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DuckDBInstance } = require('@duckdb/node-api');

const text = readFileSync(process.argv[2], 'utf8');
const blocks = [...text.matchAll(/```sql\n(-- duckdb: ([\w-]+)\n[\s\S]*?)```/g)];
if (blocks.length === 0) {
  console.error('run_sql: no "-- duckdb:" blocks in ' + process.argv[2]);
  process.exit(1);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let failed = false;
for (const [, sql, name] of blocks) {
  try {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRowObjectsJson();
    console.log(name + '\t' + JSON.stringify(rows));
  } catch (error) {
    console.log(name + '\tERROR ' + String(error.message).split('\n')[0]);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
