# Removes the certificate files this run created on a new node, for a restore that stopped before the point of no
# return, so that the node is left as it was found.
# In: SSL_DIR, FILE_COUNT and CLUSTERCTL_FILE_1.. (file names in SSL_DIR).
set -u
set --
i=1
while [ "$i" -le "$FILE_COUNT" ]; do
  # Only the number is expanded into the eval; the names are never parsed as shell code.
  eval "f=\$CLUSTERCTL_FILE_$i"
  set -- "$@" "$f"
  i=$((i + 1))
done
# One rm for all of them: each name is tried, and any failure still reaches the exit code.
cd "$SSL_DIR" && rm -f -- "$@"
