# The one way a file reaches a node: received on stdin into $PARTIAL in $DIR (made if missing), read back, and
# renamed to $FILE only once it proves to be what was sent. Save, restore staging and drills all use it.
# - With MAX_BYTES set, a longer stream is cut off one byte past the limit and what was written is removed, so the
#   node never holds more than its free space was checked for (exit $TOO_LONG_EXIT).
# - With HASH set (md5sum or sha256sum), the file is hashed once stdin ends, and the script waits for the digest the
#   sender computed in the same pass, which the caller puts at $EXPECTED ("<digest> <sha256>") once the stream has
#   ended. A different digest removes the file (exit $MISMATCH_EXIT); so does no digest within WAIT_TICKS of 50 ms,
#   which means clusterctl went away. Without HASH the sender verified the bytes on its side and nothing is awaited.
# - With CACHE set, the committed file gets its checksum cache ("<size> <mtime> <sha256>"); the SHA-256 is printed.
# In: DIR PARTIAL FILE MAX_BYTES HASH EXPECTED WAIT_TICKS CACHE MISMATCH_EXIT TOO_LONG_EXIT
set -u
umask 077
mkdir -p "$DIR" && cd "$DIR" || exit 1
if [ -n "$MAX_BYTES" ]; then
  head -c $((MAX_BYTES + 1)) > "$PARTIAL" || exit 1
  size=$(stat -c %s "$PARTIAL") || exit 1
  [ "$size" -le "$MAX_BYTES" ] || { rm -f "$PARTIAL"; echo "more than the $MAX_BYTES bytes checked arrived" >&2; exit "$TOO_LONG_EXIT"; }
else
  cat > "$PARTIAL" || exit 1
fi
sha=
if [ -n "$HASH" ]; then
  case "$HASH" in md5sum|sha256sum) ;; *) echo "unknown HASH $HASH" >&2; exit 1 ;; esac
  sum=$($HASH "$PARTIAL" | cut -d' ' -f1) || exit 1
  i=0
  while [ ! -s "$EXPECTED" ]; do
    i=$((i + 1))
    [ $i -le "$WAIT_TICKS" ] || { rm -f "$PARTIAL"; echo 'no expected digest arrived' >&2; exit 4; }
    sleep 0.05
  done
  read digest sha < "$EXPECTED"
  [ "$sum" = "$digest" ] || { rm -f "$PARTIAL"; echo "read back $sum, expected $digest" >&2; exit "$MISMATCH_EXIT"; }
fi
chmod 600 "$PARTIAL" && mv -f "$PARTIAL" "$FILE" || exit 1
if [ -n "$CACHE" ]; then
  echo "$(stat -c '%s %Y' "$FILE") $sha" > "$CACHE" || exit 1
fi
echo "$sha"
