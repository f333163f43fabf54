# Guest script of the neighbours scenario: a fwmark/DR service beside NAT ones, and persistence; the Node driver runs it.
#   On top of topology.sh's LVS-NAT network:
#   - a second VIP, 10.0.0.3, on the director; nftables marks TCP to 10.0.0.3:80 with 101 (fwmark service -f 101);
#   - DR: the real servers hold 10.0.0.3 on lo, with arp_ignore=1 / arp_announce=2 so only the director answers ARP;
#   - DR replies leave the real server from 10.0.0.3. Sent back through the director (their default route) they would
#     arrive there with a source address of its own: a martian, dropped. So the client has a second leg on the real
#     servers' bridge (10.0.1.50), and a real server routes what it sends *from* 10.0.0.3 there (ip rule from 10.0.0.3),
#     the way DR replies bypass the director in a real site. NAT replies (from 10.0.1.1x) still go back through the
#     director, which must un-NAT them. The client takes replies on the leg they arrive on: rp_filter 0 there.
source test/vm/topology.sh
setup_topology

ip addr add 10.0.0.3/32 dev vc
nft -f - <<'NFT'
table ip lvsf {
  chain prerouting {
    type filter hook prerouting priority mangle; policy accept;
    ip daddr 10.0.0.3 tcp dport 80 meta mark set 101
  }
}
NFT

ip link add vclient type veth peer name eth1 netns client
ip link set vclient master br-rs up
ip -n client addr add 10.0.1.50/24 dev eth1 && ip -n client link set eth1 up
ip netns exec client sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0
for rs in rs1 rs2 rs3; do
  ip -n "$rs" addr add 10.0.0.3/32 dev lo
  ip netns exec "$rs" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
  ip -n "$rs" rule add from 10.0.0.3 table 100
  ip -n "$rs" route add default via 10.0.1.50 dev eth0 table 100
done

# The three HTTP servers start together (a process start is slow under TCG), then each is waited for.
for rs in rs1 rs2 rs3; do
  ip netns exec "$rs" node "$REPO_DIR/test/vm/http-server.mjs" "$rs" 80 > "/tmp/http-$rs.log" 2>&1 &
  echo $! > "/tmp/http-$rs.pid"
done
for rs in rs1 rs2 rs3; do
  n=0
  until ip netns exec "$rs" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80' 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 150 ] && { echo "http server $rs did not start" >&2; exit 1; }; sleep 0.2
  done
done

# The table as a health checker would set it up: the fwmark service's DR destinations WITHOUT ports (the kernel stores
# them as addr:0), a plain NAT service on the same real servers, and a persistent NAT service (-p 60).
ipvsadm -A -f 101 -s wlc
ipvsadm -A -t 10.0.0.1:80 -s wlc
ipvsadm -A -t 10.0.0.1:81 -s wlc -p 60
for h in 11 12 13; do
  ipvsadm -a -f 101 -r "10.0.1.$h" -g -w 100
  ipvsadm -a -t 10.0.0.1:80 -r "10.0.1.$h:80" -m -w 100
  ipvsadm -a -t 10.0.0.1:81 -r "10.0.1.$h:80" -m -w 100
done
ipvsadm -Sn > /lvsf-share/created.txt

# One config for all three services: weight = configured × (100 − the demo_load plugin's busy %) / 100, every change in
# one step (maxStep 100), a stale agent's server quiesced in the persistent service only.
cat > /tmp/director.json <<'DIR'
{
  "id": "vm-neighbours",
  "listen": { "host": "10.0.1.1", "port": 7654 },
  "status": { "host": "127.0.0.1", "port": 7655 },
  "reportInterval": "1s",
  "controlInterval": "2s",
  "smoothing": { "timeConstant": "1s", "blackout": "2s" },
  "staleAfter": "4s",
  "pluginMetrics": ["demo_load_busy_pct"],
  "agents": [
    { "id": "rs1", "token": "vm-token-rs1-0123456789" },
    { "id": "rs2", "token": "vm-token-rs2-0123456789" },
    { "id": "rs3", "token": "vm-token-rs3-0123456789" }
  ],
  "defaults": {
    "mode": "expression",
    "expression": "base_weight * (100 - demo_load_busy_pct) / 100",
    "damping": { "minInterval": "1s", "maxStep": 100, "deadband": 5 }
  },
  "services": [
    { "name": "mail", "fwmark": 101, "realServers": [
      { "address": "10.0.1.11", "agent": "rs1", "method": "route" },
      { "address": "10.0.1.12", "agent": "rs2", "method": "route" },
      { "address": "10.0.1.13", "agent": "rs3", "method": "route" } ] },
    { "name": "web", "address": "10.0.0.1", "port": 80, "realServers": [
      { "address": "10.0.1.11", "agent": "rs1" },
      { "address": "10.0.1.12", "agent": "rs2" },
      { "address": "10.0.1.13", "agent": "rs3" } ] },
    { "name": "sticky", "address": "10.0.0.1", "port": 81, "stalePolicy": "quiesce", "realServers": [
      { "address": "10.0.1.11", "port": 80, "agent": "rs1" },
      { "address": "10.0.1.12", "port": 80, "agent": "rs2" },
      { "address": "10.0.1.13", "port": 80, "agent": "rs3" } ] }
  ]
}
DIR
# The same director told to write net.ipv4.vs.expire_quiescent_template=1 at start.
sed 's/"id": "vm-neighbours",/"id": "vm-neighbours", "ipvs": { "expireQuiescentTemplate": true },/' /tmp/director.json > /tmp/director-expire.json
grep -q '"expireQuiescentTemplate": true' /tmp/director-expire.json

# rs2 is 40 % busy from its first report on, so its weight goes 100 → 60 in one write once its blackout is over.
for rs in rs1 rs2 rs3; do
  echo 0 > "/tmp/$rs.load"
  cat > "/tmp/$rs.json" <<AG
{ "id": "$rs", "directors": [{ "url": "ws://10.0.1.1:7654", "token": "vm-token-$rs-0123456789" }],
  "sampleInterval": "1s", "reportInterval": "1s", "logLevel": "warn",
  "plugins": [{ "name": "demo_load", "module": "$REPO_DIR/demo/demo-load.mjs", "interval": "1s", "timeout": "900ms", "options": { "file": "/tmp/$rs.load" } }] }
AG
done
echo 40 > /tmp/rs2.load

REPO_DIR="$REPO_DIR" timeout 400 node test/vm/scenarios/neighbours.mjs
