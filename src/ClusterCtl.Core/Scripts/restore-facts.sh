# The preflight's facts about one node, as key=value lines; it only reads (test, stat, df).
# In: DATA_DIR SCRATCH SNAPSHOT_FILE, CERT_COUNT and CLUSTERCTL_CERT_1.. (certificate paths to look for).
set -u
cd "$DATA_DIR" || { echo "cannot enter the etcd data directory" >&2; exit 1; }
if [ -d member ]; then echo member=yes; else echo member=no; fi
if [ -e "$SCRATCH/data" ]; then echo scratch_data=yes; else echo scratch_data=no; fi
if [ -f "$SCRATCH/$SNAPSHOT_FILE" ]; then echo "snapshot_size=$(stat -c %s "$SCRATCH/$SNAPSHOT_FILE")"; fi
i=1
while [ "$i" -le "$CERT_COUNT" ]; do
  # Only the number is expanded into the eval; the path itself is never parsed as shell code.
  eval "cert=\$CLUSTERCTL_CERT_$i"
  if [ -f "$cert" ]; then printf 'cert_present=%s\n' "$cert"; else printf 'cert_missing=%s\n' "$cert"; fi
  i=$((i + 1))
done
echo df_begin
df -P -k "$DATA_DIR"
echo df_end
