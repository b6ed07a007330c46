# Lists the snapshot directory, one line per visible regular file whose name could be a snapshot's (so no space, tab
# or newline can forge a record): "size mtime sha256 file manifest-base64 tail-base64 verified-at", "-" for what is
# missing. The hash comes from the checksum cache while size and mtime still match it, else from reading the file.
# The manifest is read by unzip from the end of the zip without inflating the db. What comes from inside a file is
# bounded and base64-encoded, so each file is exactly one line.
# With SNAPSHOT set, only that snapshot's files (<name>.zip in any case, and a raw <name>) and, for a zip, its last
# $ZIP_TAIL_BYTES bytes (its central directory, for the db's size): a restore pays for hashing its own snapshot only.
# In: SNAPSHOT_DIR SNAPSHOT (empty: every file) MANIFEST_ENTRY MANIFEST_MAX_BYTES ZIP_TAIL_BYTES
set -u
cd "$SNAPSHOT_DIR" 2>/dev/null || exit 0
if [ -n "$SNAPSHOT" ]; then set -- "$SNAPSHOT".[zZ][iI][pP] "$SNAPSHOT"; else set -- *; fi
for f in "$@"; do
  [ -f "$f" ] || continue
  case "$f" in *[!A-Za-z0-9._-]*) continue;; esac
  meta=$(stat -c '%s %Y' "$f"); c=".$f.sha256"; sum=''
  if [ -f "$c" ]; then read cs cm csum < "$c"; [ "$cs $cm" = "$meta" ] && sum=$csum; fi
  [ -n "$sum" ] || sum=$(sha256sum "./$f" | cut -d' ' -f1)
  m=$(unzip -p "$f" "$MANIFEST_ENTRY" 2>/dev/null | head -c $((MANIFEST_MAX_BYTES + 1)) | base64 | tr -d '\n'); t=''
  if [ -n "$SNAPSHOT" ]; then
    case "$f" in *.[zZ][iI][pP]) t=$(tail -c "$ZIP_TAIL_BYTES" "$f" | base64 | tr -d '\n');; esac
  fi
  # The drill's mark counts only while it names the file's current hash.
  v=-
  if [ -f ".$f.verified" ]; then read vt vs < ".$f.verified"; case "$vt" in ''|*[!0-9]*) ;; *) [ "$vs" = "$sum" ] && v=$vt;; esac; fi
  echo "$meta ${sum:--} $f ${m:--} ${t:--} $v"
done
