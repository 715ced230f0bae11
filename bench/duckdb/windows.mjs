// bench/duckdb/windows.mjs: the DuckDB side of bench/windows.sh.
//
//   node bench/duckdb/windows.mjs EVENTS_CSV REPS [THREADS]
//
// Loads the events that bench/windows.sh exported from PostgreSQL (CSV
// without a header: event_id, user_id, ts as a UTC timestamp without time
// zone, amount, an empty field for NULL) into an in-memory DuckDB database,
// then times the four window queries of the benchmark REPS times each with
// `SET threads = THREADS` (default 1).  Every query returns one row
// (count(*), sum(w), count(w)), as the PostgreSQL baseline does.
//
// Prints one tab-separated line per run on stdout, in bench_result's column
// order (engine, measure, variant, rep, ms, n, s, c), for `COPY ... FROM
// STDIN`; everything else (versions, settings, load time) goes to stderr as
// lines starting with "# ".

import { DuckDBInstance } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';

const [csv, repsArg, threadsArg] = process.argv.slice(2);
if (!csv || !repsArg) {
    console.error('usage: node windows.mjs EVENTS_CSV REPS [THREADS]');
    process.exit(2);
}
const reps = Number.parseInt(repsArg, 10);
const threads = Number.parseInt(threadsArg ?? '1', 10);

// the windows of SEMANTICS.md s3, (t - w, t]: ts has microsecond resolution,
// so the frame [t - (w - 1 us), t] is the same set of rows
const W30 = "INTERVAL '2591999999999 microseconds'"; // 30 days - 1 us
const W1H = "INTERVAL '3599999999 microseconds'"; //    1 hour  - 1 us
const window = (w) => `PARTITION BY user_id ORDER BY ts RANGE BETWEEN ${w} PRECEDING AND CURRENT ROW`;

// measure numbers as in bench/windows.sql
const queries = [
    [1, 'sum(amount) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING)'],
    [2, `sum(amount) OVER (${window(W30)})`],
    [3, `avg(amount) OVER (${window(W30)})`],
    [4, `count(amount) OVER (${window(W1H)})`],
];

const info = (line) => console.error(`# ${line}`);
const num = (v) => (v === null || v === undefined ? '\\N' : String(v));

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
await con.run(`SET threads = ${threads}`);

const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];

info(`duckdb ${(await one('SELECT version()'))[0]}, @duckdb/node-api, node ${process.version}`);
info(`settings: threads = ${(await one("SELECT current_setting('threads')"))[0]}, ` +
     `memory_limit = ${(await one("SELECT current_setting('memory_limit')"))[0]}`);

let t0 = performance.now();
await con.run(`
    CREATE TABLE events AS
    SELECT * FROM read_csv('${csv.replaceAll("'", "''")}',
        header = false, delim = ',', quote = '"',
        columns = {'event_id': 'BIGINT', 'user_id': 'INTEGER',
                   'ts': 'TIMESTAMP', 'amount': 'DOUBLE'})`);
const loadMs = performance.now() - t0;
const [rows, nulls] = await one('SELECT count(*), count(*) - count(amount) FROM events');
info(`loaded ${rows} events (${nulls} NULL amounts) from CSV in ${Math.round(loadMs)} ms`);
// the load is not part of any timed query; recorded as measure 0
process.stdout.write(['duckdb', 0, 'load', 1, loadMs, rows, '\\N', '\\N'].join('\t') + '\n');

for (const [measure, expr] of queries) {
    const sql = `SELECT count(*) AS n, sum(w) AS s, count(w) AS c FROM (SELECT ${expr} AS w FROM events) e`;
    for (let rep = 1; rep <= reps; rep++) {
        t0 = performance.now();
        const [n, s, c] = await one(sql);
        const ms = performance.now() - t0;
        process.stdout.write(['duckdb', measure, 'window', rep, ms.toFixed(3), num(n), num(s), num(c)].join('\t') + '\n');
        info(`measure ${measure} run ${rep}: ${Math.round(ms)} ms`);
    }
}
con.closeSync();
