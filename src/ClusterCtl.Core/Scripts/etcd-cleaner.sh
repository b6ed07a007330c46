# `clusterctl etcd cleanup` on one etcd node: removes what restores, snapshots and drills left behind, printing one
# "item<TAB>kind<TAB>KiB<TAB>where<TAB>name" line per removal (where = data or snapshots). pre-restore names sort by
# time, and the shell expands a glob sorted, so the newest come last. No pipes: a failure must reach the exit code.
# A keep of 0 still keeps the newest pre-restore dir when there is no member directory or etcd is not running (it may
# be the only copy of the node's data), and says so in a "kept<TAB>name<TAB>reason" line.
# In: DATA_DIR SNAPSHOT_DIR, KEEP (how many pre-restore dirs to keep), DRY_RUN (yes|no: only print),
#     ETCD_RUNNING (yes|no), PRE_RESTORE_PREFIX FAILED_RESTORE_PREFIX SCRATCH_PREFIX DRILL_SCRATCH_PREFIX (what to match).
set -u
act() {
  kib=$(du -sk -- "$3" 2>/dev/null | cut -f1)
  if [ "$DRY_RUN" = no ]; then
    rm -rf -- "$3" || { echo "cannot remove $2/$3" >&2; failed=1; return; }
  fi
  printf 'item\t%s\t%s\t%s\t%s\n' "$1" "${kib:-0}" "$2" "$3"
}
failed=0
cd "$DATA_DIR" || { echo "cannot enter the etcd data directory" >&2; exit 1; }
total=0
newest=
for d in "$PRE_RESTORE_PREFIX"*; do [ -e "$d" ] && total=$((total + 1)) && newest=$d; done
keep=$KEEP
if [ "$keep" -eq 0 ] && [ "$total" -gt 0 ]; then
  why=
  [ -d member ] || why="no member directory"
  [ "$ETCD_RUNNING" = yes ] || why="${why:+$why, }etcd is not running"
  if [ -n "$why" ]; then keep=1; printf 'kept\t%s\t%s\n' "$newest" "$why"; fi
fi
i=0
for d in "$PRE_RESTORE_PREFIX"*; do
  [ -e "$d" ] || continue
  i=$((i + 1))
  [ "$i" -le $((total - keep)) ] && act pre-restore data "$d"
done
for d in "$FAILED_RESTORE_PREFIX"*; do [ -e "$d" ] && act failed-restore data "$d"; done
for d in "$SCRATCH_PREFIX"*; do [ -e "$d" ] && act "restore scratch" data "$d"; done
if cd "$SNAPSHOT_DIR" 2>/dev/null; then
  for f in .[!.]* ..?* *.partial *.tmp; do
    [ -f "$f" ] || continue
    # A drill's mark stays while its snapshot does.
    case "$f" in *.verified) t=${f#.}; [ -e "${t%.verified}" ] && continue;; esac
    act "temporary snapshot file" snapshots "$f"
  done
  for d in "$DRILL_SCRATCH_PREFIX"*; do [ -d "$d" ] && act "verify scratch" snapshots "$d"; done
fi
exit $failed
