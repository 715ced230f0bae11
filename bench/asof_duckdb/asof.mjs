// bench/asof_duckdb/asof.mjs: the DuckDB side of bench/asof.sh.
//
//   node asof.mjs flights-csv PARQUET OUT_CSV
//       Reads the flights parquet (vega-datasets) and writes it as CSV without
//       a header for PostgreSQL's COPY: id (the row's 1-based position in the
//       file), ts (the departure, a UTC timestamp), origin, destination,
//       delay, distance.
//
//   node asof.mjs run WORKLOAD CSV_DIR REPS LONG_MS THREADS[,THREADS...]
//       WORKLOAD is flights (CSV_DIR/flights.csv, as written above) or
//       generated (CSV_DIR/events.csv, CSV_DIR/probes.csv, exported from
//       PostgreSQL by bench/asof.sh after bench/data.sql).  Loads the tables
//       into an in-memory database (not timed), then for each thread count:
//       `SET threads = N`, times the ASOF LEFT JOIN aggregated to one row
//       (count(*), count(value), sum(value)) REPS times (once when the first
//       run takes more than LONG_MS), and writes the per-row answer (outer id,
//       id of the event chosen, empty when none) to CSV_DIR/duck_rows_N.csv
//       (not timed).
//       Prints one tab-separated line per timed run on stdout, in the column
//       order of bench/asof.sql's bench_result (workload, variant, rep, ms, n,
//       c, s); everything else goes to stderr as lines starting with "# ".
//
// DuckDB's ASOF join takes, for each outer row, the event of the same key
// with the greatest time at or before the outer time (`f.ts >= e.ts`); it
// has no tie-break, so among events sharing that time it may take any.

import { DuckDBInstance } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';

const info = (line) => console.error(`# ${line}`);
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const num = (v) => (v === null || v === undefined ? '\\N' : String(v));

const WORKLOADS = {
    flights: {
        tables: (dir) => [
            `CREATE TABLE flights AS SELECT * FROM read_csv(${lit(`${dir}/flights.csv`)},
                header = false, delim = ',', quote = '"',
                columns = {'id': 'BIGINT', 'ts': 'TIMESTAMP', 'origin': 'VARCHAR',
                           'destination': 'VARCHAR', 'delay': 'DOUBLE', 'distance': 'INTEGER'})`,
        ],
        agg: `SELECT count(*), count(e.delay), sum(e.delay)
              FROM flights f ASOF LEFT JOIN flights e
                ON f.destination = e.origin AND f.ts >= e.ts`,
        rows: `SELECT f.id, e.id
               FROM flights f ASOF LEFT JOIN flights e
                 ON f.destination = e.origin AND f.ts >= e.ts`,
    },
    generated: {
        tables: (dir) => [
            `CREATE TABLE events AS SELECT * FROM read_csv(${lit(`${dir}/events.csv`)},
                header = false, delim = ',', quote = '"',
                columns = {'event_id': 'BIGINT', 'user_id': 'INTEGER', 'ts': 'TIMESTAMP',
                           'amount': 'DOUBLE'})`,
            `CREATE TABLE probes AS SELECT * FROM read_csv(${lit(`${dir}/probes.csv`)},
                header = false, delim = ',', quote = '"',
                columns = {'probe_id': 'BIGINT', 'user_id': 'INTEGER', 'ts': 'TIMESTAMP'})`,
        ],
        agg: `SELECT count(*), count(e.amount), sum(e.amount)
              FROM probes p ASOF LEFT JOIN events e
                ON p.user_id = e.user_id AND p.ts >= e.ts`,
        rows: `SELECT p.probe_id, e.event_id
               FROM probes p ASOF LEFT JOIN events e
                 ON p.user_id = e.user_id AND p.ts >= e.ts`,
    },
};

const [mode, ...args] = process.argv.slice(2);

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];

if (mode === 'flights-csv') {
    const [parquet, out] = args;
    if (!parquet || !out) {
        console.error('usage: node asof.mjs flights-csv PARQUET OUT_CSV');
        process.exit(2);
    }
    const t0 = performance.now();
    const src = `read_parquet(${lit(parquet)}, file_row_number = true)`;
    const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(parquet)})`))
        .getRows().map((r) => `${r[0]} ${r[1]}`).join(', ');
    info(`parquet columns: ${cols}`);
    await con.run(`
        COPY (SELECT file_row_number + 1 AS id, date AS ts, origin, destination, delay, distance
              FROM ${src} ORDER BY file_row_number)
        TO ${lit(out)} (FORMAT csv, HEADER false)`);
    const [n, k, lo, hi] = await one(`
        SELECT count(*), count(DISTINCT origin), min(date)::VARCHAR, max(date)::VARCHAR FROM ${src}`);
    info(`flights: ${n} rows, ${k} origins, ${lo} .. ${hi}; CSV written in ` +
         `${Math.round(performance.now() - t0)} ms`);
    process.exit(0);
}

if (mode !== 'run' || args.length < 5 || !WORKLOADS[args[0]]) {
    console.error('usage: node asof.mjs run flights|generated CSV_DIR REPS LONG_MS THREADS[,THREADS...]');
    process.exit(2);
}
const [workload, dir, repsArg, longArg, threadsArg] = args;
const w = WORKLOADS[workload];
const reps = Number.parseInt(repsArg, 10);
const longMs = Number.parseFloat(longArg);
const threadList = threadsArg.split(',').map((t) => Number.parseInt(t, 10));

info(`duckdb ${(await one('SELECT version()'))[0]}, @duckdb/node-api, node ${process.version}`);
info(`memory_limit = ${(await one("SELECT current_setting('memory_limit')"))[0]}`);

let t0 = performance.now();
for (const sql of w.tables(dir)) await con.run(sql);
info(`${workload}: tables loaded from CSV in ${Math.round(performance.now() - t0)} ms (not timed)`);

for (const threads of threadList) {
    await con.run(`SET threads = ${threads}`);
    const shown = (await one("SELECT current_setting('threads')"))[0];
    const variant = `DuckDB ASOF, ${threads} thread${threads === 1 ? '' : 's'}`;
    for (let rep = 1; rep <= reps; rep++) {
        t0 = performance.now();
        const [n, c, s] = await one(w.agg);
        const ms = performance.now() - t0;
        console.log([workload, variant, rep, ms.toFixed(3), num(n), num(c), num(s)].join('\t'));
        info(`${variant} (threads = ${shown}) run ${rep}: ${ms.toFixed(0)} ms`);
        if (rep === 1 && ms > longMs) break;
    }
    t0 = performance.now();
    await con.run(`COPY (${w.rows}) TO ${lit(`${dir}/duck_rows_${threads}.csv`)} (FORMAT csv, HEADER false)`);
    info(`${variant}: per-row answers written in ${Math.round(performance.now() - t0)} ms (not timed)`);
}
