# The restore's swap on one node: the live member goes to $PRE_RESTORE/member (when there is one), and the restored
# member takes its place, marked with $RESTORED_MARKER so that a running etcd can be checked against this run.
# Renames only, all on the data dir's filesystem. Nothing is moved onto something that exists: 'mv a b' onto an
# existing directory b would quietly put a inside it.
# In: DATA_DIR SCRATCH PRE_RESTORE RESTORED_MARKER MOVED_ORIGINAL MOVED_RESTORED (the markers it prints as it goes).
set -eu
cd "$DATA_DIR"
restored="$SCRATCH/data/member"
[ -d "$restored" ] || { echo "the restored member $restored is missing" >&2; exit 1; }
if [ -e member ]; then
  mkdir "$PRE_RESTORE"
  mv member "$PRE_RESTORE/member"
  echo "$MOVED_ORIGINAL"
fi
[ ! -e member ] || { echo "member is still there after moving it" >&2; exit 1; }
: > "$restored/$RESTORED_MARKER"
mv "$restored" member
echo "$MOVED_RESTORED"
