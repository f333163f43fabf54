# Guest script of the one-packet scenario: four UDP services with -o, one per scheduler (wlc, nq, sed, wrr), datagrams
# sent one after another from the client to each; the kernel's own listings go to /lvsf-share/one-packet.txt, raw.
source test/vm/topology.sh
setup_topology
out=/lvsf-share/one-packet.txt
port=514
for s in wlc nq sed wrr; do
  ipvsadm -A -u "10.0.0.1:$port" -s "$s" -o
  # Weights 300, 100, 100, added in address order: the heaviest is not the last added.
  ipvsadm -a -u "10.0.0.1:$port" -r "10.0.1.11:$port" -m -w 300
  ipvsadm -a -u "10.0.0.1:$port" -r "10.0.1.12:$port" -m -w 100
  ipvsadm -a -u "10.0.0.1:$port" -r "10.0.1.13:$port" -m -w 100
  port=$((port + 1))
done
# The links just came up: datagrams sent before the path forwards are lost unseen. Probe a throwaway service until the
# kernel counts one (its counters are summed by the 2 s estimator), so every service below gets all of its datagrams.
ipvsadm -A -u 10.0.0.1:600 -s rr -o
ipvsadm -a -u 10.0.0.1:600 -r 10.0.1.11:600 -m -w 1
n=0
until ipvsadm -Ln --stats --exact | grep -Eq '^UDP +10\.0\.0\.1:600 +[1-9]'; do
  n=$((n + 1)); [ $n -gt 60 ] && { echo "no datagram reached the probe service" >&2; exit 1; }
  ip netns exec client bash -c 'echo probe > /dev/udp/10.0.0.1/600'; sleep 0.5
done
# 250 datagrams per service, one after another: bash's /dev/udp opens a new socket (a new source port) for each.
for port in 514 515 516 517; do
  ip netns exec client bash -c "for i in \$(seq 1 250); do echo \"<14>syslog line \$i\" > /dev/udp/10.0.0.1/$port; done"
done
# The listed counters are the per-CPU counts summed by the estimator every 2 s: two ticks at least.
sleep 5
{ ipvsadm -Sn; ipvsadm -Ln --stats --exact; } > "$out"
# What the director's check says of the syslog services it would control (the wlc one and the wrr one).
cat > /tmp/director.json <<'DIR'
{
  "agents": [{ "id": "rs1", "token": "vm-token-rs1-0123456789" }],
  "services": [
    { "name": "syslog_wlc", "protocol": "udp", "address": "10.0.0.1", "port": 514, "realServers": [{ "address": "10.0.1.11", "agent": "rs1" }] },
    { "name": "syslog_wrr", "protocol": "udp", "address": "10.0.0.1", "port": 517, "realServers": [{ "address": "10.0.1.11", "agent": "rs1" }] }
  ]
}
DIR
rc=0
node "$REPO_DIR/dist/bin/lvs-feedback.js" director --config /tmp/director.json --check > /lvsf-share/check.txt 2>&1 || rc=$?
echo "check exit $rc" >> /lvsf-share/check.txt
echo "one-packet scenario done"
