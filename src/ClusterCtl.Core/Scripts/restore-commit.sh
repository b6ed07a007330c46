# Hashes the received db on the node and renames it into place only if it is the one that was verified in transit.
# In: DATA_DIR SCRATCH PARTIAL SNAPSHOT_FILE EXPECTED_SHA256
set -u
cd "$DATA_DIR" || exit 1
sum=$(sha256sum "$SCRATCH/$PARTIAL" | cut -d' ' -f1) || exit 1
[ "$sum" = "$EXPECTED_SHA256" ] || { echo "read back $sum" >&2; exit 3; }
mv "$SCRATCH/$PARTIAL" "$SCRATCH/$SNAPSHOT_FILE"
