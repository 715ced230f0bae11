-- test/training_fuzz.sql: the schema and round function of test/training_fuzz.sh, a
-- randomized differential test of create_training_set against a plain-SQL
-- oracle written from README's "Features and training sets" (LATERAL
-- subqueries over ts <= t and ts > t - width in the set's zone, labels over
-- (t, t + horizon], ties by seq or by value, since windows as the last reset
-- strictly before the entity's latest row at or before t, counts 0 where
-- the entity and the time are known).  fz.round(r) is reproducible: it seeds
-- random() with r.  Per round: one or two event tables (int or text
-- entities; int8/varchar in the second; with or without a seq column; many
-- ties, NULL entities, times and values, values multiples of 1/8 so sums
-- are exact, NaN and infinities in some rounds), 3-6 features of every
-- aggregate over lifetime, trailing (hours, days, months, mixed-sign months
-- and days) and since windows with filters and zone-dependent expressions,
-- a feature set in UTC, New York, Lord Howe or Kolkata made around one of
-- its daylight-saving changes or month starts, a spine of ~100 rows (at
-- event times, 1 us around them, at window and horizon edges, around the
-- zone's changes, before and after the data, unknown and NULL entities,
-- NULL times, duplicates, entity cast to another type), a label (count,
-- any, any with a condition, any aggregate over the source, or a feature:
-- new, pinned with name@version, or a member), made in another session
-- zone, DateStyle, IntervalStyle and extra_float_digits.  Every value is
-- compared (IS DISTINCT FROM; mean, variances and deviations within 1e-9
-- relative), the rows and their order with the spine's, the session's
-- settings after the call, and check_training_set over every row.
-- Results in fz.rounds (one row per round, with coverage counts) and
-- fz.mism (every difference).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS fz CASCADE;
DROP EXTENSION IF EXISTS timeline CASCADE;
CREATE EXTENSION timeline;
CREATE SCHEMA fz;

-- 8 event tables: {a,b} x {int,text} x {seq,noseq}; b's entity is bigint / varchar
DO $$
DECLARE s text; ty text; q text; tn text;
BEGIN
    FOREACH s IN ARRAY ARRAY['a', 'b'] LOOP
        FOREACH ty IN ARRAY ARRAY['int', 'text'] LOOP
            FOREACH q IN ARRAY ARRAY['seq', 'noseq'] LOOP
                tn := format('%s_%s_%s', s, ty, q);
                EXECUTE format('CREATE TABLE fz.%I (id bigint NOT NULL, e %s, ts timestamptz, v1 float8, v2 int, flag bool, kind text)',
                               tn, CASE WHEN s = 'a' THEN ty WHEN ty = 'int' THEN 'bigint' ELSE 'varchar' END);
                EXECUTE format('CREATE INDEX ON fz.%I (e, ts)', tn);
                PERFORM timeline.create_source(tn, format('fz.%I', tn)::regclass, 'e', 'ts',
                                               CASE WHEN q = 'seq' THEN 'id' END);
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

CREATE TABLE fz.sp_int (sid int, e int, t timestamptz);
CREATE TABLE fz.sp_text (sid int, e text, t timestamptz);

CREATE TABLE fz.rounds (r int PRIMARY KEY, zone text, session_zone text, ety text, a_tbl text, b_tbl text,
                        center timestamptz, n_a int, n_b int, n_spine int, feats jsonb, label text, horizon interval,
                        mode text, rows_got bigint, rows_want bigint, n_mismatch int, n_check int, err text, cov jsonb, notes text,
                        ms int);
CREATE TABLE fz.mism (r int, sid int, col text, got text, want text);

-- value expressions: sql, is boolean
CREATE TABLE fz.vals (v text, isbool bool);
INSERT INTO fz.vals VALUES ('v1', false), ('v2', false), ('v1 * 2 - v2', false), ('flag', true),
    ('v1 > 0', true), ('kind = ''a''', true), ('abs(v1)', false), ('extract(hour FROM ts)', false),
    ('extract(day FROM ts)', false), ('v2 <> 0', true), ('extract(epoch FROM ts) / 3600', false);
CREATE TABLE fz.filters (f text);
INSERT INTO fz.filters VALUES (NULL), (NULL), (NULL), (NULL), ('kind = ''a'''), ('flag'), ('v1 > 0'),
    ('v2 IS NOT NULL'), ('kind IS DISTINCT FROM ''b'''), ('extract(dow FROM ts) < 5'), ('extract(hour FROM ts) >= 12');
CREATE TABLE fz.preds (p text);
INSERT INTO fz.preds VALUES ('kind = ''r'''), ('flag'), ('v1 < -20'), ('v2 = 0'), ('extract(hour FROM ts) = 0');
CREATE TABLE fz.windows (w text);
INSERT INTO fz.windows VALUES (NULL), ('lifetime'), ('1 hour'), ('2 days'), ('1 month'), ('1 day'), ('3 hours'),
    ('7 days'), ('1 mon 2 days'), ('36 hours'), ('1 mon -27 days'), ('1 mon -29 days'), ('1 mon -30 days 1 hour'), ('since'), ('since'), ('since');
CREATE TABLE fz.horizons (h interval);
INSERT INTO fz.horizons VALUES ('1 day'), ('7 days'), ('1 month'), ('2 hours'), ('1 mon 1 day'), ('36 hours'), ('30 minutes');
CREATE TABLE fz.aggs (a text);
INSERT INTO fz.aggs VALUES ('count'), ('count'), ('count_if'), ('sum'), ('mean'), ('min'), ('max'), ('first'), ('last'),
    ('var_samp'), ('var_pop'), ('stddev_samp'), ('stddev_pop');

CREATE FUNCTION fz.pick(a anyarray) RETURNS anyelement LANGUAGE sql VOLATILE AS
$$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

-- the oracle: SQL for the aggregate over rows of tbl with e = sp.e, ts in (lo, hi]
-- (lo NULL: no lower bound), filter applied; has_seq: ties by id, else by value
CREATE FUNCTION fz.oracle(tbl text, has_seq bool, agg text, val text, isbool bool, filt text,
                          lo text, hi text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    vn text := CASE WHEN val IS NULL THEN NULL
                    WHEN isbool THEN format('((%s)::int::float8)', val)
                    ELSE format('((%s)::float8)', val) END;
    fromw text := format('FROM fz.%I src WHERE src.e = sp.e AND src.ts <= %s%s%s', tbl, hi,
                         CASE WHEN lo IS NOT NULL THEN format(' AND src.ts > %s', lo) ELSE '' END,
                         CASE WHEN filt IS NOT NULL THEN format(' AND coalesce((%s), false)', filt) ELSE '' END);
    tie text := CASE WHEN has_seq THEN 'src.id' ELSE vn END;
    body text;
BEGIN
    body := CASE agg
        WHEN 'count' THEN format('SELECT count(%s)::float8 %s', coalesce(vn, '*'), fromw)
        WHEN 'count_if' THEN format('SELECT (count(*) FILTER (WHERE %s <> 0))::float8 %s', vn, fromw)
        WHEN 'sum' THEN format('SELECT sum(%s) %s', vn, fromw)
        WHEN 'mean' THEN format('SELECT avg(%s) %s', vn, fromw)
        WHEN 'min' THEN format('SELECT min(%s) %s', vn, fromw)
        WHEN 'max' THEN format('SELECT max(%s) %s', vn, fromw)
        WHEN 'var_samp' THEN format('SELECT var_samp(%s) %s', vn, fromw)
        WHEN 'var_pop' THEN format('SELECT var_pop(%s) %s', vn, fromw)
        WHEN 'stddev_samp' THEN format('SELECT stddev_samp(%s) %s', vn, fromw)
        WHEN 'stddev_pop' THEN format('SELECT stddev_pop(%s) %s', vn, fromw)
        WHEN 'first' THEN format('SELECT %s %s AND %s IS NOT NULL ORDER BY src.ts, %s LIMIT 1', vn, fromw, vn, tie)
        WHEN 'last' THEN format('SELECT %s %s AND %s IS NOT NULL ORDER BY src.ts DESC, %s DESC LIMIT 1', vn, fromw, vn, tie)
    END;
    RETURN format('CASE WHEN sp.e IS NOT NULL AND sp.t IS NOT NULL THEN (%s) END', body);
END $$;

CREATE FUNCTION fz.ename(k int) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE k WHEN 2 THEN 'U1' WHEN 3 THEN '' WHEN 4 THEN 'u 4' ELSE 'u' || k END $$;

CREATE FUNCTION fz.round(r int, n_events int DEFAULT 300, n_spine int DEFAULT 100) RETURNS text
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    zone text; sess text; ety text; a_seq bool; b_seq bool; use_b bool;
    a_tbl text; b_tbl text; sp_tbl text; tbl text;
    center timestamptz; trans timestamptz[]; months timestamptz[]; specials timestamptz[];
    n_ent int; n_a int; n_b int; bursts timestamptz[] := '{}';
    j int; k int; u float8; ts timestamptz; e_k int; src char;
    ev_k int[] := '{}'; ev_ts timestamptz[] := '{}';
    widths interval[] := '{}';
    nf int; i int; fname text; fsrc text; fagg text; fval text; fbool bool; fwin text; ffilt text; fpred text;
    lo text; wv interval;
    feats jsonb := '[]';
    fnames text[] := '{}';
    tol text[] := '{}';
    ocols text := '';
    lab text; lab_kind text; hz interval; mode text := 'exclude'; lab_tbl text; lab_seq bool; lab_expr text;
    lab_agg text; lab_val text; lab_bool bool; lab_filt text; lab_win text;
    newest timestamptz; tmin timestamptz; tmax timestamptz;
    t0 timestamptz := clock_timestamp();
    nrows bigint; nwant bigint; nmis int := 0; nchk int; errtxt text;
    cov jsonb;
    weird bool; extra text := ''; spcast text; redef text; m jsonb;
    sql text; spe text; spt timestamptz; sk int;
BEGIN
    PERFORM setseed((r % 100000) / 100000.0);
    zone := fz.pick(ARRAY['UTC', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']);
    sess := fz.pick(ARRAY['Asia/Tokyo', 'UTC', 'America/Los_Angeles', 'Europe/Berlin']);
    ety := fz.pick(ARRAY['int', 'text']);
    a_seq := random() < 0.5; b_seq := random() < 0.5; use_b := random() < 0.5;
    a_tbl := format('a_%s_%s', ety, CASE WHEN a_seq THEN 'seq' ELSE 'noseq' END);
    b_tbl := format('b_%s_%s', ety, CASE WHEN b_seq THEN 'seq' ELSE 'noseq' END);
    sp_tbl := 'sp_' || ety;
    PERFORM set_config('TimeZone', zone, true);

    -- interesting instants in the zone: offset changes and local month starts of 2024
    SELECT coalesce(array_agg(g ORDER BY g), '{}') INTO trans
    FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-12-31 00:00+00', '30 minutes') g
    WHERE extract(timezone FROM g) <> extract(timezone FROM g - interval '30 minutes');
    SELECT array_agg(date_trunc('month', '2024-01-15 12:00+00'::timestamptz + n * interval '1 month') ORDER BY n)
      INTO months FROM generate_series(0, 11) n;
    center := CASE WHEN cardinality(trans) > 0 AND random() < 0.6 THEN fz.pick(trans) ELSE fz.pick(months) END;
    SELECT array_agg(x ORDER BY x) INTO specials FROM (
        SELECT x FROM unnest(trans || months) x WHERE x BETWEEN center - interval '45 days' AND center + interval '45 days'
        UNION
        SELECT date_trunc('day', center) + d * interval '1 day' FROM generate_series(-2, 2) d) s;

    n_ent := 8 + floor(random() * 9)::int;
    weird := random() < 0.3;
    n_a := (n_events * (0.5 + random())) :: int;
    n_b := CASE WHEN random() < 0.05 THEN 0 ELSE (n_events * (0.2 + 0.5 * random()))::int END;
    FOR j IN 1 .. n_ent * 5 LOOP
        bursts := bursts || CASE WHEN random() < 0.7
                                 THEN center + (floor(random() * 320) - 160) * interval '6 hours'
                                 ELSE fz.pick(specials) END;
    END LOOP;

    CREATE TEMP TABLE ev (src char, id bigint, k int, ts timestamptz, v1 float8, v2 int, flag bool, kind text) ON COMMIT DROP;
    FOR j IN 1 .. n_a + n_b LOOP
        src := CASE WHEN j <= n_a THEN 'a' ELSE 'b' END;
        k := CASE WHEN random() < 0.04 THEN NULL ELSE 1 + floor(random() * n_ent)::int END;
        u := random();
        ts := CASE WHEN u < 0.4 THEN bursts[(coalesce(k, 1) - 1) * 5 + 1 + floor(random() * 5)::int]
                   WHEN u < 0.72 THEN center + (floor(random() * 320) - 160) * interval '6 hours'
                   WHEN u < 0.87 THEN fz.pick(specials) + fz.pick(ARRAY[0, 30, 60, -30, -60, 0, 0]) * interval '1 minute'
                   WHEN u < 0.98 THEN center + (floor(random() * 288) - 144) * interval '30 minutes'
                   END;
        INSERT INTO ev VALUES (src, 0, k, ts,
            CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.15 THEN floor(random() * 4)
                 WHEN weird AND random() < 0.03 THEN fz.pick(ARRAY['NaN', 'Infinity', '-Infinity']::float8[])
                 ELSE (floor(random() * 1025) - 512) / 8 END,
            CASE WHEN random() < 0.2 THEN NULL ELSE floor(random() * 7)::int - 3 END,
            CASE WHEN random() < 0.15 THEN NULL ELSE random() < 0.4 END,
            CASE WHEN random() < 0.1 THEN NULL ELSE fz.pick(ARRAY['a', 'a', 'a', 'a', 'b', 'b', 'b', 'r', 'r']) END);
    END LOOP;
    IF random() < 0.3 THEN
        INSERT INTO ev SELECT fz.pick(ARRAY['a', 'b']), 0, NULL, max(ev.ts) + floor(random() * 72) * interval '1 hour', 1, 1, true, 'a' FROM ev;
        extra := extra || 'late NULL entity; ';
    END IF;
    IF random() < 0.3 THEN
        INSERT INTO ev SELECT fz.pick(ARRAY['a', 'b']), 0, 99, max(ev.ts) + floor(random() * 72) * interval '1 hour', 2, 2, false, 'b' FROM ev;
        extra := extra || 'late entity 99; ';
    END IF;
    -- unique ids in an order unrelated to the values
    UPDATE ev SET id = x.n FROM (SELECT ctid AS c, row_number() OVER (ORDER BY random()) AS n FROM ev) x WHERE ev.ctid = x.c;

    EXECUTE format('TRUNCATE fz.%I, fz.%I, fz.%I', a_tbl, b_tbl, sp_tbl);
    FOREACH tbl IN ARRAY ARRAY[a_tbl, b_tbl] LOOP
        EXECUTE format('INSERT INTO fz.%I SELECT id, %s, ts, v1, v2, flag, kind FROM ev WHERE src = %L',
                       tbl, CASE WHEN ety = 'int' THEN 'k' ELSE 'fz.ename(k)' END, left(tbl, 1));
        EXECUTE format('ALTER TABLE fz.%I ALTER COLUMN e %s', tbl,
                       CASE WHEN random() < 0.3 THEN 'SET (n_distinct = 100000)' ELSE 'RESET (n_distinct)' END);
        EXECUTE format('ANALYZE fz.%I', tbl);
    END LOOP;
    SELECT array_agg(k ORDER BY id), array_agg(ev.ts ORDER BY id) INTO ev_k, ev_ts FROM ev
    WHERE k IS NOT NULL AND k <> 99 AND ev.ts IS NOT NULL AND (use_b OR src = 'a');
    SELECT min(ev.ts), max(ev.ts) INTO tmin, tmax FROM ev;

    -- features
    nf := 3 + floor(random() * 4)::int;
    FOR i IN 1 .. nf LOOP
        fname := format('f%s_%s', r, i);
        fsrc := CASE WHEN use_b AND random() < 0.4 THEN 'b' ELSE 'a' END;
        tbl := CASE fsrc WHEN 'a' THEN a_tbl ELSE b_tbl END;
        fagg := (SELECT fz.pick(array_agg(a)) FROM fz.aggs);
        IF fagg = 'count' AND random() < 0.5 THEN
            fval := NULL; fbool := false;
        ELSIF fagg = 'count_if' AND random() < 0.7 THEN
            SELECT v, isbool INTO fval, fbool FROM fz.vals WHERE isbool ORDER BY random() LIMIT 1;
        ELSE
            SELECT v, isbool INTO fval, fbool FROM fz.vals ORDER BY random() LIMIT 1;
        END IF;
        fwin := (SELECT fz.pick(array_agg(w)) FROM fz.windows);
        ffilt := (SELECT fz.pick(array_agg(f)) FROM fz.filters);
        IF fwin = 'since' THEN
            fpred := (SELECT fz.pick(array_agg(p)) FROM fz.preds);
            fwin := format('since(%s)', fpred);
            lo := format('coalesce((SELECT max(r2.ts) FROM fz.%I r2 WHERE r2.e = sp.e AND coalesce((%s), false) AND r2.ts < '
                         '(SELECT max(l2.ts) FROM fz.%I l2 WHERE l2.e = sp.e AND l2.ts <= sp.t)), ''-infinity'')',
                         tbl, fpred, tbl);
        ELSIF fwin IS NULL OR fwin = 'lifetime' THEN
            lo := NULL;
        ELSE
            wv := fwin::interval;
            widths := widths || wv;
            lo := format('sp.t - %L::interval', wv);
        END IF;
        PERFORM timeline.create_feature(fname, tbl, fagg, fval, fwin, ffilt);
        feats := feats || jsonb_build_object('name', fname, 'src', tbl, 'agg', fagg, 'val', fval, 'win', fwin, 'filter', ffilt);
        fnames := fnames || fname;
        IF fagg IN ('mean', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop') THEN tol := tol || fname; END IF;
        ocols := ocols || format(', %L, %s', fname,
                                 fz.oracle(tbl, tbl LIKE '%\_seq', fagg, fval, fbool, ffilt, lo, 'sp.t'));
    END LOOP;
    PERFORM timeline.create_feature_set(format('fs%s', r), fnames, time_zone => zone);
    -- a new version of a member after the set was made: the set keeps the pinned one
    IF random() < 0.3 THEN
        m := feats -> floor(random() * nf)::int;
        redef := m->>'name';
        PERFORM timeline.create_feature(redef, m->>'src', m->>'agg', m->>'val', '5 days 1 hour', m->>'filter');
        extra := extra || 'redefined ' || redef || '; ';
    END IF;

    -- label
    IF random() < 0.85 THEN
        lab_kind := fz.pick(ARRAY['count', 'any', 'anyc', 'agg', 'agg', 'feat', 'feat']);
        lab_tbl := CASE WHEN random() < 0.35 THEN b_tbl ELSE a_tbl END;
        lab_seq := lab_tbl LIKE '%\_seq';
        hz := (SELECT fz.pick(array_agg(h)) FROM fz.horizons);
        mode := fz.pick(ARRAY['exclude', 'flag']);
        IF lab_kind = 'count' THEN
            lab := format('count(%s)', lab_tbl);
            lab_expr := fz.oracle(lab_tbl, lab_seq, 'count', NULL, false, NULL, 'sp.t', format('sp.t + %L::interval', hz));
        ELSIF lab_kind = 'any' THEN
            lab := format('any(%s)', lab_tbl);
            lab_expr := format('(%s) > 0', fz.oracle(lab_tbl, lab_seq, 'count', NULL, false, NULL, 'sp.t', format('sp.t + %L::interval', hz)));
        ELSIF lab_kind = 'anyc' THEN
            SELECT v, isbool INTO lab_val, lab_bool FROM fz.vals ORDER BY random() LIMIT 1;
            lab := format('any(%s, %s)', lab_tbl, lab_val);
            lab_expr := format('(%s) > 0', fz.oracle(lab_tbl, lab_seq, 'count_if', lab_val, lab_bool, NULL, 'sp.t', format('sp.t + %L::interval', hz)));
        ELSIF lab_kind = 'agg' THEN
            lab_agg := (SELECT fz.pick(array_agg(a)) FROM fz.aggs);
            SELECT v, isbool INTO lab_val, lab_bool FROM fz.vals ORDER BY random() LIMIT 1;
            lab := format('%s(%s, %s)', lab_agg, lab_tbl, lab_val);
            lab_expr := fz.oracle(lab_tbl, lab_seq, lab_agg, lab_val, lab_bool, NULL, 'sp.t', format('sp.t + %L::interval', hz));
            IF lab_agg IN ('mean', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop') THEN tol := tol || 'label'::text; END IF;
        ELSE
            lab_agg := (SELECT fz.pick(array_agg(a)) FROM fz.aggs);
            IF lab_agg = 'count' AND random() < 0.5 THEN
                lab_val := NULL; lab_bool := false;
            ELSE
                SELECT v, isbool INTO lab_val, lab_bool FROM fz.vals ORDER BY random() LIMIT 1;
            END IF;
            lab_filt := (SELECT fz.pick(array_agg(f)) FROM fz.filters);
            lab_win := fz.pick(ARRAY['lifetime', '1 hour', '2 days', '1 month', '1 day', '7 days', '36 hours', '1 mon -27 days']);
            lab := format('f%s_label', r);
            SELECT f INTO m FROM jsonb_array_elements(feats) f
             WHERE coalesce(f->>'win', '') NOT LIKE 'since%' ORDER BY random() LIMIT 1;
            IF m IS NOT NULL AND random() < 0.5 THEN
                -- a member of the set as the label (pinned to version 1 if redefined)
                lab := CASE WHEN m->>'name' = redef THEN (m->>'name') || '@1' ELSE m->>'name' END;
                lab_tbl := m->>'src'; lab_agg := m->>'agg'; lab_val := m->>'val'; lab_filt := m->>'filter';
                lab_win := coalesce(m->>'win', 'lifetime');
                lab_bool := coalesce((SELECT isbool FROM fz.vals WHERE v = lab_val), false);
                lab_seq := lab_tbl LIKE '%\_seq';
            ELSE
                IF random() < 0.3 THEN    -- a first version that the bare name must not read
                    PERFORM timeline.create_feature(lab, lab_tbl, lab_agg, lab_val, '3 hours 7 minutes', lab_filt);
                    extra := extra || 'label v2; ';
                END IF;
                PERFORM timeline.create_feature(lab, lab_tbl, lab_agg, lab_val, lab_win, lab_filt);
            END IF;
            lab_expr := fz.oracle(lab_tbl, lab_seq, lab_agg, lab_val, lab_bool, lab_filt,
                                  CASE WHEN lab_win = 'lifetime' THEN 'sp.t'
                                       ELSE format('greatest(sp.t, (sp.t + %L::interval) - %L::interval)', hz, lab_win::interval) END,
                                  format('sp.t + %L::interval', hz));
            IF lab_agg IN ('mean', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop') THEN tol := tol || 'label'::text; END IF;
            lab_kind := format('feat:%s(%s) %s filter %s', lab_agg, lab_val, lab_win, lab_filt);
        END IF;
        EXECUTE format('SELECT max(ts) FROM fz.%I', lab_tbl) INTO newest;
    END IF;
    IF hz IS NOT NULL THEN widths := widths || (- hz); END IF;
    IF cardinality(widths) = 0 THEN widths := ARRAY[interval '1 day']; END IF;

    -- spine
    FOR j IN 1 .. n_spine LOOP
        u := random();
        i := 1 + floor(random() * cardinality(ev_k))::int;
        sk := CASE WHEN random() < 0.85 THEN ev_k[i] ELSE 1 + floor(random() * n_ent)::int END;
        spt := CASE
            WHEN u < 0.28 THEN ev_ts[i]
            WHEN u < 0.40 THEN ev_ts[i] + fz.pick(ARRAY[interval '1 microsecond', interval '-1 microsecond'])
            WHEN u < 0.58 THEN ev_ts[i] + fz.pick(widths) + fz.pick(ARRAY[interval '0', interval '0', interval '1 microsecond', interval '-1 microsecond'])
            WHEN u < 0.70 THEN fz.pick(specials) + fz.pick(ARRAY[interval '0', interval '1 microsecond', interval '-1 microsecond',
                                                                 interval '1 hour', interval '-1 hour', interval '1 day', interval '-30 minutes'])
            WHEN u < 0.80 THEN tmin - interval '3 days' + random() * (tmax - tmin + interval '6 days')
            WHEN u < 0.84 THEN coalesce(newest, tmax) - coalesce(hz, interval '0') + fz.pick(ARRAY[interval '0', interval '1 microsecond', interval '-1 microsecond'])
            WHEN u < 0.97 THEN ev_ts[i]
            END;
        IF u >= 0.84 AND u < 0.88 THEN sk := 100 + j; END IF;      -- unknown entity
        IF u >= 0.88 AND u < 0.92 THEN sk := NULL; END IF;          -- NULL entity
        IF u >= 0.97 THEN sk := CASE WHEN random() < 0.5 THEN NULL ELSE sk END; END IF;  -- NULL time
        EXECUTE format('INSERT INTO fz.%I VALUES ($1, %s, $2)', sp_tbl,
                       CASE WHEN ety = 'int' THEN '$3' ELSE 'fz.ename($3)' END) USING j, spt, sk;
    END LOOP;
    -- duplicates, then a random order
    EXECUTE format('INSERT INTO fz.%I SELECT sid + 100000, e, t FROM fz.%I ORDER BY random() LIMIT 4', sp_tbl, sp_tbl);
    EXECUTE format('UPDATE fz.%I s SET sid = x.n FROM (SELECT sid AS o, row_number() OVER (ORDER BY random()) AS n FROM fz.%I) x WHERE s.sid = x.o',
                   sp_tbl, sp_tbl);

    BEGIN
        DROP TABLE IF EXISTS fz.tr;
        spcast := CASE WHEN ety = 'int' THEN fz.pick(ARRAY['', '', '::bigint', '::numeric'])
                       ELSE fz.pick(ARRAY['', '', '::varchar']) END;
        IF spcast <> '' THEN extra := extra || 'spine e' || spcast || '; '; END IF;
        -- made in another session zone: the set's zone must count
        PERFORM set_config('TimeZone', sess, true);
        PERFORM set_config('DateStyle', fz.pick(ARRAY['ISO, MDY', 'SQL, DMY', 'German', 'Postgres, YMD', 'Postgres, DMY']), true);
        PERFORM set_config('IntervalStyle', fz.pick(ARRAY['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601']), true);
        PERFORM set_config('extra_float_digits', fz.pick(ARRAY['1', '0', '-15', '3']), true);
        PERFORM set_config('enable_sort', CASE WHEN random() < 0.1 THEN 'off' ELSE 'on' END, true);
        PERFORM set_config('enable_hashagg', CASE WHEN random() < 0.1 THEN 'off' ELSE 'on' END, true);
        PERFORM set_config('enable_indexscan', CASE WHEN random() < 0.1 THEN 'off' ELSE 'on' END, true);
        extra := extra || format('%s / %s / efd %s / sort %s hash %s idx %s; ', current_setting('DateStyle'), current_setting('IntervalStyle'),
                                 current_setting('extra_float_digits'), current_setting('enable_sort'), current_setting('enable_hashagg'), current_setting('enable_indexscan'));
        EXECUTE format('CREATE TEMP TABLE sploc ON COMMIT DROP AS SELECT sid, t::text AS t_local FROM fz.%I', sp_tbl);
        nrows := timeline.create_training_set('fz.tr', format('fs%s', r),
                     format('SELECT e%s AS e, t, sid, t::text AS t_local FROM fz.%I ORDER BY sid', spcast, sp_tbl), lab, hz, mode);
        IF extra NOT LIKE '%' || format('%s / %s / efd %s / sort %s hash %s idx %s; ', current_setting('DateStyle'), current_setting('IntervalStyle'),
                                 current_setting('extra_float_digits'), current_setting('enable_sort'), current_setting('enable_hashagg'), current_setting('enable_indexscan')) || '%' THEN
            INSERT INTO fz.mism VALUES (r, NULL, 'settings', format('%s / %s / efd %s / sort %s hash %s idx %s; ', current_setting('DateStyle'), current_setting('IntervalStyle'),
                                 current_setting('extra_float_digits'), current_setting('enable_sort'), current_setting('enable_hashagg'), current_setting('enable_indexscan')), extra);
            nmis := nmis + 1;
        END IF;
        IF current_setting('TimeZone') <> sess THEN
            INSERT INTO fz.mism VALUES (r, NULL, 'session TimeZone', current_setting('TimeZone'), sess);
            nmis := nmis + 1;
        END IF;
        SELECT count(*) INTO nchk FROM timeline.check_training_set('fz.tr', 100000);
        IF nchk > 0 THEN
            INSERT INTO fz.mism SELECT r, NULL, 'check:' || c.feature, c.stored::text, format('%s %s %s', c.entity, c.time, c.recomputed)
            FROM timeline.check_training_set('fz.tr', 100000) c;
        END IF;

        -- the oracle, in the set's zone
        PERFORM set_config('TimeZone', zone, true);
        PERFORM set_config('DateStyle', 'ISO, YMD', true);
        PERFORM set_config('IntervalStyle', 'postgres', true);
        PERFORM set_config('extra_float_digits', '1', true);
        PERFORM set_config('enable_sort', 'on', true);
        PERFORM set_config('enable_hashagg', 'on', true);
        PERFORM set_config('enable_indexscan', 'on', true);
        CREATE TEMP TABLE got ON COMMIT DROP AS SELECT row_number() OVER () AS rn, to_jsonb(x) AS j FROM fz.tr x;
        sql := format('CREATE TEMP TABLE want ON COMMIT DROP AS SELECT sp.sid, %s AS incl, jsonb_build_object(''e'', sp.e, ''t'', sp.t, ''sid'', sp.sid, ''t_local'', (SELECT l.t_local FROM sploc l WHERE l.sid = sp.sid) %s%s) AS j FROM fz.%I sp',
                      CASE WHEN lab IS NULL OR mode = 'flag' THEN 'true' ELSE format('coalesce(sp.t + %L::interval <= %L::timestamptz, false)', hz, newest) END,
                      ocols,
                      CASE WHEN lab IS NULL THEN ''
                           ELSE format(', ''label'', %s', lab_expr) ||
                                CASE WHEN mode = 'flag' THEN format(', ''label_complete'', coalesce(sp.t + %L::interval <= %L::timestamptz, false)', hz, newest) ELSE '' END
                      END, sp_tbl);
        EXECUTE sql;
        SELECT count(*) INTO nwant FROM want WHERE incl;
        EXECUTE format($c$
            SELECT jsonb_build_object(
                'at_event', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM fz.%1$I x WHERE x.e = sp.e AND x.ts = sp.t)),
                'at_window_edge', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM fz.%1$I x, unnest(%2$L::interval[]) w
                                                                   WHERE w > '0' AND x.e = sp.e AND x.ts = sp.t - w)),
                'at_horizon_edge', count(*) FILTER (WHERE %3$L::interval IS NOT NULL AND EXISTS (
                                                     SELECT 1 FROM fz.%1$I x WHERE x.e = sp.e AND x.ts = sp.t + %3$L::interval)),
                'day_not_24h', count(*) FILTER (WHERE sp.t - interval '1 day' <> sp.t - interval '24 hours'),
                'tie_instants', (SELECT count(*) FROM (SELECT 1 FROM fz.%1$I x GROUP BY x.e, x.ts HAVING count(*) > 1) y))
            FROM fz.%4$I sp$c$, a_tbl, widths, hz, sp_tbl) INTO cov;
        -- rows, in spine order
        IF (SELECT array_agg((j->>'sid')::int ORDER BY rn) FROM got) IS DISTINCT FROM
           (SELECT array_agg(sid ORDER BY sid) FROM want WHERE incl) THEN
            INSERT INTO fz.mism VALUES (r, NULL, 'rows',
                (SELECT array_agg((j->>'sid')::int ORDER BY rn) FROM got)::text,
                (SELECT array_agg(sid ORDER BY sid) FROM want WHERE incl)::text);
            nmis := nmis + 1;
        END IF;
        -- every value; keys must be the same
        INSERT INTO fz.mism
        SELECT r, w.sid, k.key, g.j -> k.key #>> '{}', w.j -> k.key #>> '{}'
        FROM want w JOIN got g ON (g.j->>'sid')::int = w.sid
        CROSS JOIN LATERAL (SELECT key FROM jsonb_object_keys(w.j || g.j) key) k
        WHERE (g.j -> k.key) IS DISTINCT FROM (w.j -> k.key)
          AND NOT (k.key = ANY (tol) AND jsonb_typeof(g.j -> k.key) = 'number' AND jsonb_typeof(w.j -> k.key) = 'number'
                   AND abs((g.j ->> k.key)::float8 - (w.j ->> k.key)::float8)
                       <= 1e-9 * greatest(1, abs((g.j ->> k.key)::float8), abs((w.j ->> k.key)::float8)));
        GET DIAGNOSTICS i = ROW_COUNT;
        nmis := nmis + i;
    EXCEPTION WHEN OTHERS THEN
        errtxt := SQLSTATE || ': ' || SQLERRM;
    END;
    INSERT INTO fz.rounds VALUES (r, zone, sess, ety, a_tbl, CASE WHEN use_b THEN b_tbl END, center, n_a, n_b, n_spine,
                                  feats, CASE WHEN lab_kind LIKE 'feat:%' THEN lab || ' ' || lab_kind ELSE lab END, hz, mode,
                                  nrows, nwant, nmis, nchk, errtxt, cov, nullif(concat_ws(' ', CASE WHEN weird THEN 'weird' END, nullif(extra, '')), ''),
                                  (extract(epoch FROM clock_timestamp() - t0) * 1000)::int);
    RETURN format('round %s: %s rows, %s mismatches, %s check diffs%s', r, nrows, nmis, nchk,
                  CASE WHEN errtxt IS NOT NULL THEN ' ERROR ' || errtxt ELSE '' END);
END
$fn$;
