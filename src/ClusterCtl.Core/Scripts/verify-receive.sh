# Receives a restore drill's db on stdin, at most $MAX_BYTES of it: a longer stream is cut off one byte past the
# limit and what was written is removed, so the drill never holds more than the free space was checked for.
# In: DB (the file, in the drill's scratch directory) MAX_BYTES
set -u
umask 077
head -c $((MAX_BYTES + 1)) > "$DB" || exit 1
[ "$(stat -c %s "$DB")" -le "$MAX_BYTES" ] || { rm -f "$DB"; echo "the db is longer than the $MAX_BYTES bytes checked" >&2; exit 3; }
