# The free space of the snapshot directory's filesystem, as df -P -k prints it.
# In: SNAPSHOT_DIR
set -u
df -P -k "$SNAPSHOT_DIR"
