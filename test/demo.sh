#!/usr/bin/env bash
# test/demo.sh: sets up a fresh Debian 12 machine (see test/lib.sh), builds and
# installs timeline, starts a throwaway cluster and runs the demo (test/demo.sql).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tl_setup
tl_cluster_start "shared_buffers = 512MB" "work_mem = 64MB"
tl_psql -f "$TL_ROOT/test/demo.sql"
tl_cluster_stop
