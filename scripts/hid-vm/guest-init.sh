#!/bin/busybox sh
# /init of the HID test guest (runs from the initramfs, busybox only).
# Loads the modules, mounts the host's root read-only and the results share writable over 9p,
# runs the job the host wrote into the results share inside a chroot of the host's root,
# writes the job's exit status back, and powers the VM off.
/bin/busybox mkdir -p /bin /sbin /proc /sys /dev /newroot /results
/bin/busybox --install -s /bin
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

fail() {
  echo "hid-vm guest: $*" >&2
  [ -d /results/.mounted ] && echo "$*" > /results/guest-error
  sync
  reboot -f
}

# busybox insmod does not resolve dependencies: modules.order lists them dependencies first.
while read -r m; do
  insmod "/lib/modules/$m" || fail "insmod $m failed"
done < /lib/modules/modules.order

# 9p over virtio. msize 512 KiB cuts round trips; the root is read-only, so caching is safe there.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288,cache=loose,ro hostroot /newroot || fail "cannot mount the host root"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 results /results || fail "cannot mount the results share"
mkdir -p /results/.mounted

# job.env (written by the host): HID_VM_PROJECT, HID_VM_OUT (project-relative), HID_VM_COMMAND.
[ -f /results/job.env ] || fail "no job.env in the results share"
. /results/job.env

# A checkout under /tmp or /run would vanish under the guest's own tmpfs there: keep a bind of it
# aside and put it back on top afterwards.
case "$HID_VM_PROJECT" in
  /tmp/*|/run/*)
    mkdir -p /keep && mount --bind "/newroot$HID_VM_PROJECT" /keep || fail "cannot keep the project visible"
    keep=1 ;;
esac
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs tmpfs /newroot/run
if [ -n "${keep:-}" ]; then
  mkdir -p "/newroot$HID_VM_PROJECT" && mount --bind /keep "/newroot$HID_VM_PROJECT" || fail "cannot restore the project under a tmpfs"
fi
# Same absolute path inside and outside the guest, so the suite needs no path translation.
mount --bind /results "/newroot$HID_VM_PROJECT/$HID_VM_OUT" || fail "cannot bind the results share into the project"

echo "hid-vm guest: up after $(cut -d' ' -f1 /proc/uptime) s"
chroot /newroot /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 \
  HID_VM_OUT_DIR="$HID_VM_PROJECT/$HID_VM_OUT" HID_VM_GUEST=1 \
  /bin/sh -c "cd '$HID_VM_PROJECT' && $HID_VM_COMMAND"
status=$?
echo "$status" > /results/exit-status
echo "hid-vm guest: job exited with status $status after $(cut -d' ' -f1 /proc/uptime) s"
sync
umount "/newroot$HID_VM_PROJECT/$HID_VM_OUT" 2>/dev/null
umount /results 2>/dev/null
reboot -f
