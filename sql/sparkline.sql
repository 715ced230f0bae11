-- sparkline: a one-line picture of a timeline
SET search_path = timeline, public;
SET TimeZone = 'UTC';

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- one character per point up to the width; lowest value lowest block
SELECT sparkline('discrete{2024-01-01=>1, 2024-01-02=>2, 2024-01-03=>3, 2024-01-04=>4, 2024-01-05=>5, 2024-01-06=>6, 2024-01-07=>7, 2024-01-08=>8}');
SELECT sparkline('discrete{2024-01-01=>8, 2024-01-02=>1}');
-- NULL and NaN show a space, all-equal values the middle block, empty is empty
SELECT '[' || sparkline('discrete{2024-01-01=>1, 2024-01-02=>NULL, 2024-01-03=>NaN, 2024-01-04=>3}') || ']' AS gaps;
SELECT sparkline('discrete{2024-01-01=>5, 2024-01-02=>5}') AS flat, '[' || sparkline('discrete{}') || ']' AS empty;
-- infinities pin to the ends without distorting the scale
SELECT sparkline('discrete{2024-01-01=>-Infinity, 2024-01-02=>1, 2024-01-03=>2, 2024-01-04=>Infinity}');
-- huge finite values do not overflow the scale
SELECT sparkline('discrete{2024-01-01=>-1.7976931348623157e308, 2024-01-02=>0, 2024-01-03=>1.7976931348623157e308}');
-- longer timelines are cut into width runs showing their mean
SELECT sparkline(timeline_agg(timestamptz '2024-01-01' + g * interval '1 hour', sin(g / 10.0))) FROM generate_series(1, 1000) g;
SELECT sparkline(timeline_agg(timestamptz '2024-01-01' + g * interval '1 hour', g), 10) FROM generate_series(1, 1000) g;
SELECT length(sparkline(timeline_agg(timestamptz '2024-01-01' + g * interval '1 hour', g), 3)) FROM generate_series(1, 10) g;
SELECT pg_temp.try($$SELECT timeline.sparkline('discrete{}', 0)$$) AS zero_width;
SELECT pg_temp.try($$SELECT timeline.sparkline('discrete{}', 10001)$$) AS too_wide;
-- a run's mean is finite although its sum overflows (1.2e308 twice), and
-- the picture does not change with the scale, huge or subnormal (these
-- came out ██▁, the overflowed run pinned like +Infinity, and █▁▁, the
-- halved 5e-324 flushed to 0)
SELECT sparkline('discrete{2024-01-01=>1.2e308, 2024-01-02=>1.2e308, 2024-01-03=>6e307, 2024-01-04=>6e307, 2024-01-05=>0, 2024-01-06=>0}', 3) AS huge_runs,
       sparkline('discrete{2024-01-01=>1.2, 2024-01-02=>1.2, 2024-01-03=>0.6, 2024-01-04=>0.6, 2024-01-05=>0, 2024-01-06=>0}', 3) AS same_scaled_down,
       sparkline('discrete{2024-01-01=>1e-323, 2024-01-02=>5e-324, 2024-01-03=>0}') AS subnormal;
SELECT sparkline('discrete{2024-01-01=>1.7976931348623157e308, 2024-01-02=>1.7976931348623157e308, 2024-01-03=>1.7976931348623157e308, 2024-01-04=>0, 2024-01-05=>0, 2024-01-06=>0}', 2) AS max_runs;
