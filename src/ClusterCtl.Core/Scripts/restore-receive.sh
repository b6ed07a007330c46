# Receives the restore's db on stdin into the partial file in this run's scratch directory, at most $MAX_BYTES of
# it: a longer stream is cut off one byte past the limit and what was written is removed, so the data dir never
# holds more than the preflight checked the disk for.
# In: DATA_DIR SCRATCH PARTIAL MAX_BYTES
set -u
umask 077
cd "$DATA_DIR" && mkdir -p "$SCRATCH" && head -c $((MAX_BYTES + 1)) > "$SCRATCH/$PARTIAL" || exit 1
size=$(stat -c %s "$SCRATCH/$PARTIAL")
[ "$size" -le "$MAX_BYTES" ] || { rm -f "$SCRATCH/$PARTIAL"; echo "the db is longer than the $MAX_BYTES bytes checked" >&2; exit 3; }
