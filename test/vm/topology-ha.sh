# Guest-side functions for the two-director scenario (sourced): two LVS-NAT directors, each in its own network namespace
# with its own IPVS table, in front of the same real servers, and a client whose route chooses the director.
#
#                          ┌── dira: front 10.0.2.1, back 10.0.1.1, VIP 10.0.0.1 on lo
#   client 10.0.2.100 ── br-front                                   br-rs ── rs1..rs3 10.0.1.11-13
#                          └── dirb: front 10.0.2.2, back 10.0.1.2, VIP 10.0.0.1 on lo        (root: 10.0.1.254)
#
# The root namespace is only a switch: the two bridges, and 10.0.1.254 on br-rs so the scenario's driver (which runs
# there) reaches the directors' status endpoints; it forwards nothing. The VIP sits on both directors' lo, never on a
# shared link, so neither answers ARP for it and both can hold it at once: the client's host route to the VIP
# (via 10.0.2.1 or 10.0.2.2) picks the director that carries the traffic. NAT sends replies back through a director
# (it rewrites their source to the VIP), and only the one that forwarded a connection knows it: the real servers'
# default route must name the same director. Switching traffic from A to B is changing both routes (`use_director`).
# Agents reach both directors on br-rs directly (10.0.1.1, 10.0.1.2), whatever the routes say.
HA_TEST_DIR="${HA_TEST_DIR:-$(pwd)/test/vm}"

setup_ha_topology() {
  ip link add br-front type bridge && ip link set br-front up
  ip link add br-rs type bridge && ip addr add 10.0.1.254/24 dev br-rs && ip link set br-rs up
  local ns i=0
  for ns in dira dirb; do
    i=$((i + 1))
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add 10.0.0.1/32 dev lo
    ip link add "f$ns" type veth peer name front netns "$ns"
    ip link set "f$ns" master br-front up
    ip -n "$ns" addr add "10.0.2.$i/24" dev front && ip -n "$ns" link set front up
    ip link add "b$ns" type veth peer name back netns "$ns"
    ip link set "b$ns" master br-rs up
    ip -n "$ns" addr add "10.0.1.$i/24" dev back && ip -n "$ns" link set back up
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
    ip netns exec "$ns" sysctl -qw net.ipv4.vs.expire_nodest_conn=1 2>/dev/null || true
  done
  ip netns add client
  ip link add vclient type veth peer name eth0 netns client
  ip link set vclient master br-front up
  ip -n client addr add 10.0.2.100/24 dev eth0 && ip -n client link set eth0 up && ip -n client link set lo up
  ip -n client route add 10.0.0.1/32 via 10.0.2.1
  local name
  i=0
  for name in rs1 rs2 rs3; do
    i=$((i + 1))
    ip netns add "$name"
    ip link add "v$name" type veth peer name eth0 netns "$name"
    ip link set "v$name" master br-rs up
    ip -n "$name" addr add "10.0.1.1$i/24" dev eth0 && ip -n "$name" link set eth0 up && ip -n "$name" link set lo up
    ip -n "$name" route add default via 10.0.1.1
  done
}

# use_director a|b: the client's route to the VIP and the real servers' default route through that director, at once.
use_director() {
  local via=1
  [ "$1" = b ] && via=2
  ip -n client route replace 10.0.0.1/32 via "10.0.2.$via"
  local rs
  for rs in rs1 rs2 rs3; do ip -n "$rs" route replace default via "10.0.1.$via"; done
}

# start_http NAME PORT [BUSY_MS]: a real HTTP server in namespace NAME answering its name (BUSY_MS of CPU per request);
# returns at once. wait_http NAME PORT: until it listens (bash's /dev/tcp: a probe that costs no process start).
start_http() {
  ip netns exec "$1" node "$HA_TEST_DIR/http-server.mjs" "$1" "$2" "${3:-0}" > "/tmp/http-$1-$2.log" 2>&1 &
  echo $! > "/tmp/http-$1-$2.pid"
}
wait_http() {
  local n=0
  until ip netns exec "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2" 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 300 ] && { echo "http server $1:$2 did not start" >&2; return 1; }; sleep 0.2
  done
}
stop_http() { kill "$(cat "/tmp/http-$1-$2.pid")" 2>/dev/null || true; }
