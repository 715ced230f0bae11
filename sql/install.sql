-- install: the objects a fresh CREATE EXTENSION creates.
-- Future upgrade scripts are checked against this list: installing 0.1 and
-- updating step by step must give exactly the objects of a fresh install.
SELECT extname, extversion, extrelocatable, nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE extname = 'timeline';

SELECT pg_describe_object(classid, objid, 0) AS object
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timeline')
  AND deptype = 'e'
ORDER BY 1;

-- every function, aggregate, operator and type has a comment
SELECT pg_describe_object(classid, objid, 0) AS missing_comment
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timeline')
  AND deptype = 'e'
  AND obj_description(objid, classid::regclass::text) IS NULL
ORDER BY 1;

-- the type's storage and alignment are chosen on purpose
SELECT typname, typstorage, typalign, typlen FROM pg_type
WHERE typname = 'timeline' AND typnamespace = 'timeline'::regnamespace;

-- volatility, strictness and parallel safety of every function
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel
FROM pg_proc p
WHERE pronamespace = 'timeline'::regnamespace
ORDER BY p.oid::regprocedure::text;

-- DROP EXTENSION leaves nothing behind
DROP EXTENSION timeline;
SELECT count(*) AS leftover_objects FROM pg_proc WHERE pronamespace::regnamespace::text = 'timeline';
SELECT count(*) AS leftover_types FROM pg_type WHERE typname = 'timeline';
SELECT count(*) AS leftover_schema FROM pg_namespace WHERE nspname = 'timeline';
CREATE EXTENSION timeline;
SELECT extversion FROM pg_extension WHERE extname = 'timeline';
