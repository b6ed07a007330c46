# Records beside a snapshot file that a restore drill verified it: "<unix time> <sha256>" in its mark file. The
# listing trusts the mark only while the file still has that hash.
# In: SNAPSHOT_DIR MARK AT SHA
set -u
cd "$SNAPSHOT_DIR" && umask 077 && printf '%s %s\n' "$AT" "$SHA" > "$MARK"
