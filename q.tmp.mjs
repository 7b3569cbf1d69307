import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const sql = process.argv[2];
const r = await c.runAndReadAll(sql);
console.log(JSON.stringify(r.getRowObjectsJson()).slice(0, 3000));
