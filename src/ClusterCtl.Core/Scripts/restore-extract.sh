# Extracts the db from a zip already in the node's snapshot directory into this run's scratch directory, so that no
# byte crosses the network. It must come out at the size the manifest gives; etcd's own hash is checked later by the
# restore tool, still before the point of no return.
# In: DATA_DIR SCRATCH PARTIAL SNAPSHOT_FILE ZIP ENTRY_PATTERN EXPECTED_SIZE
set -u
# pipefail: a damaged zip makes unzip fail, and that must not hide behind the bounding head.
set -o pipefail
umask 077
cd "$DATA_DIR" && mkdir -p "$SCRATCH" || exit 1
unzip -p "$ZIP" "$ENTRY_PATTERN" | head -c $((EXPECTED_SIZE + 1)) > "$SCRATCH/$PARTIAL" || exit 1
size=$(stat -c %s "$SCRATCH/$PARTIAL")
[ "$size" = "$EXPECTED_SIZE" ] || { rm -f "$SCRATCH/$PARTIAL"; echo "extracted $size bytes, the manifest says $EXPECTED_SIZE" >&2; exit 3; }
mv "$SCRATCH/$PARTIAL" "$SCRATCH/$SNAPSHOT_FILE"
