#!/bin/sh
# Runs in the guest after switch_root (the host's userland): prepares /run and /tmp, runs the test's script from the
# share, prints the exit marker on the console, and powers off. Copied into each run's share by guest.ts.
mount -t tmpfs tmpfs /run
# /tmp stays the overlay's (writable, in memory): a tmpfs there would hide a checkout that lives under /tmp.
mkdir -p /run/netns
ip link set lo up
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
cd /lvsf-share
bash /lvsf-share/script.sh > /lvsf-share/output.txt 2>&1
rc=$?
echo "LVSF-EXIT:$rc"
sync
busybox poweroff -f
