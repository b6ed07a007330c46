# The rollback of one node's data, safe whatever part of the swap happened: a restored member goes to
# $FAILED_RESTORE/member, the original comes back from $PRE_RESTORE/member, and the then empty pre-restore directory
# goes (rmdir removes only empty directories) so that cleanup's "keep the newest N" does not count it.
# In: DATA_DIR PRE_RESTORE FAILED_RESTORE, HAD_ORIGINAL (yes|no: there was a live member before the swap),
#     ORIGINAL_MUST_BE_BACKED (yes|no: the swap is known to have moved it, so a missing backup is an error).
set -eu
cd "$DATA_DIR"
move_restored_aside() {
  mkdir -p "$FAILED_RESTORE"
  [ ! -e "$FAILED_RESTORE/member" ] || { echo "$FAILED_RESTORE/member already exists" >&2; exit 1; }
  mv member "$FAILED_RESTORE/member"
  echo moved-restored-aside
}
if [ -d "$PRE_RESTORE/member" ]; then
  if [ -e member ]; then move_restored_aside; fi
  mv "$PRE_RESTORE/member" member
  rmdir "$PRE_RESTORE" 2>/dev/null || true
  echo moved-original-back
elif [ "$HAD_ORIGINAL" = no ]; then
  if [ -e member ]; then move_restored_aside; fi
elif [ "$ORIGINAL_MUST_BE_BACKED" = yes ]; then
  echo "$PRE_RESTORE/member is missing: the original member is not where the restore moved it" >&2
  exit 1
fi
