#!/bin/sh
# lvs-feedback plugin: open file handles and TCP sockets by state, as `key value` lines, from /proc (POSIX sh + awk).
#
# Metrics (with `name: sockets` in the agent config): sockets_open_files, sockets_max_files,
# sockets_tcp_time_wait, sockets_tcp_close_wait, sockets_tcp_established.
# Options (environment):  LVSF_OPTION_PROC  where /proc is (default /proc).
#
# It runs every few seconds, so it is kept cheap: one process (the shell becomes awk), and as little of the kernel's
# connection table walked as the counts need (reading /proc/net/tcp or tcp6 walks all of it, ~1 ms even when empty).
set -eu

PROC=${LVSF_OPTION_PROC:-/proc}

# /proc/net/tcp{,6}: the 4th column is the state in hex: 01 ESTABLISHED, 06 TIME_WAIT, 08 CLOSE_WAIT.
files=""
for f in "$PROC/net/tcp" "$PROC/net/tcp6"; do
  [ -r "$f" ] && files="$files $f"
done
if [ -z "$files" ]; then
  echo "no $PROC/net/tcp or tcp6 to read" >&2
  exit 1
fi
# file-nr: allocated handles, allocated-but-unused (always 0 since 2.6), maximum. (awk rather than `read`:
# some kernels answer a /proc/sys read of one byte at a time, as dash's `read` does, with end-of-file.)
# sockstat's "tw" is the kernel's own count of TIME_WAIT sockets (IPv4 and IPv6); sockstat6's "TCP6: inuse 0" means
# tcp6 holds no ESTABLISHED or CLOSE_WAIT socket, so it is not read. Without them, the tables are counted.
# shellcheck disable=SC2086 # $files is a list of paths without blanks
exec awk -v sockstat="$PROC/net/sockstat" -v sockstat6="$PROC/net/sockstat6" '
  function field(file, tag, name,    line, f, n, i) {
    while ((getline line < file) > 0) {
      n = split(line, f)
      if (f[1] == tag) for (i = 2; i < n; i++) if (f[i] == name) { close(file); return f[i + 1] }
    }
    close(file)
    return ""
  }
  BEGIN {
    tw = field(sockstat, "TCP:", "tw")
    if (field(sockstat6, "TCP6:", "inuse") == "0" && tw != "")
      for (i = 2; i < ARGC; i++) if (ARGV[i] ~ /tcp6$/) ARGV[i] = ""
  }
  FILENAME == ARGV[1] { print "open_files", $1 - $2; print "max_files", $3; next }
  FNR > 1 { n[$4]++ }
  END {
    printf "tcp_established %d\n", n["01"]
    printf "tcp_time_wait %d\n", tw != "" ? tw : n["06"]
    printf "tcp_close_wait %d\n", n["08"]
  }' "$PROC/sys/fs/file-nr" $files
