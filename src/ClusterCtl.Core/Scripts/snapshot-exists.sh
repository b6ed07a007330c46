# Whether the snapshot directory holds a snapshot in either form (<name>.zip in any case, or a raw <name>), without
# hashing anything: prints $FOUND once per form found. A missing snapshot directory holds none.
# In: SNAPSHOT_DIR SNAPSHOT FOUND
set -u
cd "$SNAPSHOT_DIR" 2>/dev/null || exit 0
for f in "$SNAPSHOT".[zZ][iI][pP] "$SNAPSHOT"; do [ -e "$f" ] && echo "$FOUND"; done
exit 0
