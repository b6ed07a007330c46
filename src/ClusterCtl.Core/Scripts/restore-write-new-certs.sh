# Writes a new node's etcd certificate, key and kube-ca.pem: unpacks the tar on stdin into the staging directory and
# moves each file into place, keeping an existing one unless REGENERATE is yes; prints created=, replaced= or kept=
# per file, which the caller reads to know what to remove if the restore does not go ahead.
# In: SSL_DIR STAGING REGENERATE (yes|no), FILE_COUNT, CLUSTERCTL_FILE_1.. (file names) and CLUSTERCTL_MODE_1.. (their modes).
set -eu
mkdir -p "$SSL_DIR"
umask 077
cd "$SSL_DIR"
rm -rf "$STAGING"
mkdir "$STAGING"
tar -x -f - -C "$STAGING"
i=1
while [ "$i" -le "$FILE_COUNT" ]; do
  # Only the number is expanded into the eval; the names carry the node's address and are never parsed as shell code.
  eval "f=\$CLUSTERCTL_FILE_$i mode=\$CLUSTERCTL_MODE_$i"
  if [ -e "$f" ] && [ "$REGENERATE" = no ]; then printf 'kept=%s\n' "$f"; rm -f "$STAGING/$f"
  else
    if [ -e "$f" ]; then existed=yes; else existed=no; fi
    chmod "$mode" "$STAGING/$f"
    mv -f "$STAGING/$f" "$f"
    if [ $existed = yes ]; then printf 'replaced=%s\n' "$f"; else printf 'created=%s\n' "$f"; fi
  fi
  i=$((i + 1))
done
rmdir "$STAGING"
