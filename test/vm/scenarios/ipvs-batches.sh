# Guest side of the ipvsadm -R model test. Each file in /lvsf-share/cases is -C, the start table, one batch, then the
# two listings (-S -n, -L -n --thresholds --exact): one real ipvsadm -R runs it all and prints the table the batch left
# (a process start is costly under TCG). Where a syntax error stopped it before the listings, separate ipvsadm -Sn and
# -Ln read the table. Work happens in the guest's memory; the share (9p) is read and written once each.
t0=$EPOCHREALTIME
work=/tmp/ipvs-batches
mkdir -p "$work/out"
cp -r /lvsf-share/cases "$work/"
for f in "$work"/cases/*.lines; do
  n="${f##*/}"
  n="${n%.lines}"
  rc=0
  ipvsadm -R < "$f" > "$work/out/$n.out" 2> "$work/out/$n.err" || rc=$?
  echo "$rc" > "$work/out/$n.rc"
  [ -s "$work/out/$n.out" ] || { ipvsadm -Sn && ipvsadm -Ln --thresholds --exact; } > "$work/out/$n.out"
done
t1=$EPOCHREALTIME
cp -r "$work/out" /lvsf-share/
n=("$work"/cases/*.lines)
echo "ran ${#n[@]} batches in $(( (${t1/./} - ${t0/./}) / 1000 )) ms, copied the results out in $(( (${EPOCHREALTIME/./} - ${t1/./}) / 1000 )) ms"
