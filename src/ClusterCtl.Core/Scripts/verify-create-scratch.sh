# Creates a restore drill's scratch directory in the snapshot directory, readable by root only: the restored copy
# holds the cluster's Secrets. It must not exist yet.
# In: SNAPSHOT_DIR SCRATCH
set -u
umask 077
mkdir "$SNAPSHOT_DIR/$SCRATCH"
