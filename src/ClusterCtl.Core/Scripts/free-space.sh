# The free space of a directory's filesystem, as df -P -k prints it.
# In: DIR
set -u
df -P -k "$DIR"
