#!/bin/sh
# PID 1 of the test guest: load the modules, mount the host's / read-only over 9p under a tmpfs overlay, switch to it.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# busybox modprobe ignores softdeps: crc32c_generic must be there before libcrc32c, or ip_vs fails to load.
for m in crc32c_generic @MODULES@; do modprobe "$m" || echo "lvsf-init: modprobe $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=1048576,cache=loose hostroot /mnt/lower || { echo "lvsf-init: no host root"; poweroff -f; }
mount -t tmpfs -o size=768m tmpfs /mnt/upper
mkdir -p /mnt/upper/upper /mnt/upper/work
mount -t overlay overlay -o lowerdir=/mnt/lower,upperdir=/mnt/upper/upper,workdir=/mnt/upper/work /mnt/root
mkdir -p /mnt/root/lvsf-share
mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576 share /mnt/root/lvsf-share || { echo "lvsf-init: no share"; poweroff -f; }
for fs in proc sys dev; do mount --move "/$fs" "/mnt/root/$fs"; done
exec switch_root /mnt/root /bin/sh /lvsf-share/stage2.sh
