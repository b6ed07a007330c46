# Extracts the db from a zip already in the node's snapshot directory into this run's scratch directory, so that no
# byte crosses the network. It must come out at the size the manifest gives; etcd's own hash is checked later by the
# restore tool, still before the point of no return.
# In: DATA_DIR SCRATCH PARTIAL SNAPSHOT_FILE ZIP ENTRY_PATTERN EXPECTED_SIZE
set -u
umask 077
cd "$DATA_DIR" && mkdir -p "$SCRATCH" || exit 1
# The file-size limit (512-byte blocks) stops a zip that inflates past what its manifest declares within one block of
# it, so the data dir never holds more than was checked. It replaces a bounding 'head -c' in a pipe, which cost as
# much CPU as the inflating itself.
( ulimit -f $((EXPECTED_SIZE / 512 + 1)) && exec unzip -p "$ZIP" "$ENTRY_PATTERN" > "$SCRATCH/$PARTIAL" )
status=$?
size=$(stat -c %s "$SCRATCH/$PARTIAL" 2>/dev/null || echo 0)
# unzip failing within the size is a broken zip; more than the size (the limit's kill included) or less is a lying one.
if [ "$status" != 0 ] && [ "$size" -le "$EXPECTED_SIZE" ]; then
    rm -f "$SCRATCH/$PARTIAL"
    exit 1
fi
if [ "$size" != "$EXPECTED_SIZE" ]; then
    rm -f "$SCRATCH/$PARTIAL"
    echo "extracted $size bytes, the manifest says $EXPECTED_SIZE" >&2
    exit 3
fi
mv "$SCRATCH/$PARTIAL" "$SCRATCH/$SNAPSHOT_FILE"
