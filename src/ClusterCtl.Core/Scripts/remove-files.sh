# Removes named files from one directory: a deleted snapshot with its checksum caches and drill marks, what a failed
# or interrupted write left, or the certificates a refused restore had written on a new node. Missing files are no error.
# In: DIR, FILE_COUNT and CLUSTERCTL_FILE_1.. (file names in DIR).
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
cd "$DIR" && rm -f -- "$@"
