# Removes a restore drill's scratch directory, with the restored copy in it.
# In: SNAPSHOT_DIR SCRATCH
set -u
rm -rf -- "$SNAPSHOT_DIR/$SCRATCH"
