# Receives a snapshot zip on stdin into its partial file in the snapshot directory, reads it back (MD5: it only has to
# notice accidental damage on the way, and busybox hashes MD5 about three times as fast as SHA-256), then waits for
# the expected digests, which the caller puts at $EXPECTED ("<md5> <sha256>") once the stream has ended. On a match
# the file becomes 0600, is renamed into place and gets its checksum cache ("<size> <mtime> <sha256>"); the SHA-256 is
# printed. A mismatch removes the partial file and exits with $MISMATCH_EXIT.
# In: SNAPSHOT_DIR PARTIAL FILE CACHE EXPECTED WAIT_TICKS (of 50 ms) MISMATCH_EXIT
set -u
umask 077
cd "$SNAPSHOT_DIR" || exit 1
cat > "$PARTIAL" || exit 1
sum=$(md5sum "$PARTIAL" | cut -d' ' -f1) || exit 1
# Bounded: if clusterctl went away, the helper gives up and takes its partial file with it.
i=0
while [ ! -s "$EXPECTED" ]; do
  i=$((i + 1))
  [ $i -le "$WAIT_TICKS" ] || { rm -f "$PARTIAL"; echo 'no expected digest arrived' >&2; exit 4; }
  sleep 0.05
done
read md5 sha < "$EXPECTED"
if [ "$sum" != "$md5" ]; then rm -f "$PARTIAL"; echo "read back MD5 $sum, expected $md5" >&2; exit "$MISMATCH_EXIT"; fi
chmod 600 "$PARTIAL" && mv -f "$PARTIAL" "$FILE" && echo "$(stat -c '%s %Y' "$FILE") $sha" > "$CACHE" && echo "$sha"
