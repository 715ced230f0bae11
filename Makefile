# timeline: PGXS build
EXTENSION = timeline
MODULE_big = timeline
OBJS = \
	src/timeline.o \
	src/timeline_io.o \
	src/timeline_agg.o \
	src/detoast_cache.o \
	src/lookup.o \
	src/sparkline.o \
	src/merge.o \
	src/scan_order.o \
	src/combine.o \
	src/window.o \
	src/window_read.o \
	src/window_width.o \
	src/shift.o \
	src/ticks.o \
	src/guc.o \
	src/asof_path.o \
	src/asof_exec.o \
	src/asof_sweep.o \
	src/asof_slots.o \
	src/feature_expr.o \
	src/feature_state.o \
	src/state_read.o \
	src/entity_lock.o \
	src/sql_build.o

DATA = timeline--0.1.sql
PGFILEDESC = "timeline - stream-aware event data for PostgreSQL"

# one pg_regress file per concern; zones runs the time tests in other zones
REGRESS = install io agg lookup sparkline zones window combine shift search_path oracle_lookup parallel_agg oracle_window oracle_zones oracle_range_ends oracle_combine oracle_shift leakage asof_join features training_set training_set_sql oracle_training oracle_stats feature_state materialize materialize_tables materialize_sql
REGRESS_OPTS = --inputdir=. --load-extension=timeline

# isolation specs (test/specs, expected output in test/expected): refresh
# against concurrent writers, readers and refreshes, and the catalog's
# definitions made by two sessions at once
ISOLATION = insert_refresh refresh_refresh refresh_read delete_refresh immediate_inserts immediate_entities immediate_partitions immediate_equal_entities immediate_spelled_entities read_ddl catalog_definitions
ISOLATION_OPTS = --inputdir=test --load-extension=timeline

PG_CONFIG ?= pg_config
# -Wno-unused-parameter: PostgreSQL 15 headers (lib/ilist.h) trip -Wextra on it
PG_CFLAGS += -Wall -Wextra -Werror -Wno-unused-parameter -Isrc

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object includes the shared header: rebuild them all when it changes
# (PGXS tracks no header dependencies unless PostgreSQL was configured with
# --enable-depend)
$(OBJS): src/timeline.h src/compat.h
