# After a successful restore, this run's scratch directory holds only the snapshot copy and an empty data dir.
# In: DATA_DIR SCRATCH
set -u
cd "$DATA_DIR" && rm -rf -- "$SCRATCH"
