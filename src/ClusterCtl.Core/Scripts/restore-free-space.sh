# The free space of the data dir's filesystem, as df -P -k prints it.
# In: DATA_DIR
set -u
df -P -k "$DATA_DIR"
