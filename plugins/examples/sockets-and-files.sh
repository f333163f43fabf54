#!/bin/sh
# lvs-feedback plugin: open file handles and TCP sockets by state, as `key value` lines, from /proc (POSIX sh + awk).
#
# Metrics (with `name: sockets` in the agent config): sockets_open_files, sockets_max_files,
# sockets_tcp_time_wait, sockets_tcp_close_wait, sockets_tcp_established.
# Options (environment):  LVSF_OPTION_PROC  where /proc is (default /proc).
set -eu

PROC=${LVSF_OPTION_PROC:-/proc}

# file-nr: allocated handles, allocated-but-unused (always 0 since 2.6), maximum. (awk rather than `read`:
# some kernels answer a /proc/sys read of one byte at a time, as dash's `read` does, with end-of-file.)
awk '{ print "open_files", $1 - $2; print "max_files", $3 }' "$PROC/sys/fs/file-nr"

# /proc/net/tcp{,6}: the 4th column is the state in hex: 01 ESTABLISHED, 06 TIME_WAIT, 08 CLOSE_WAIT.
files=""
for f in "$PROC/net/tcp" "$PROC/net/tcp6"; do
  [ -r "$f" ] && files="$files $f"
done
if [ -z "$files" ]; then
  echo "no $PROC/net/tcp or tcp6 to read" >&2
  exit 1
fi
# shellcheck disable=SC2086 # $files is a list of paths without blanks
awk 'FNR > 1 { n[$4]++ }
     END {
       printf "tcp_established %d\n", n["01"]
       printf "tcp_time_wait %d\n", n["06"]
       printf "tcp_close_wait %d\n", n["08"]
     }' $files
