# Guest-side helpers (sourced by scenario scripts): an LVS-NAT topology in network namespaces, real HTTP servers, a client.
#   client (10.0.0.2) ── veth ── director = root namespace (VIP 10.0.0.1; 10.0.1.1 on bridge br-rs) ── rs1..rs3 (10.0.1.11-13)
#   A sorry server `sorry` (10.0.1.99) hangs on the same bridge. Real servers route back through the director (NAT).
REPO_DIR="${REPO_DIR:-$(pwd)}"

setup_topology() {
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.ipv4.vs.expire_nodest_conn=1 || true
  ip netns add client
  ip link add vc type veth peer name eth0 netns client
  ip addr add 10.0.0.1/24 dev vc && ip link set vc up
  ip -n client addr add 10.0.0.2/24 dev eth0 && ip -n client link set eth0 up && ip -n client link set lo up
  ip -n client route add default via 10.0.0.1
  ip link add br-rs type bridge && ip addr add 10.0.1.1/24 dev br-rs && ip link set br-rs up
  local name addr i=0
  for name in rs1 rs2 rs3 sorry; do
    i=$((i + 1)); addr="10.0.1.1$i"; [ "$name" = sorry ] && addr=10.0.1.99
    ip netns add "$name"
    ip link add "v$name" type veth peer name eth0 netns "$name"
    ip link set "v$name" master br-rs up
    ip -n "$name" addr add "$addr/24" dev eth0 && ip -n "$name" link set eth0 up && ip -n "$name" link set lo up
    ip -n "$name" route add default via 10.0.1.1
  done
}

# start_http NAME: a real HTTP server on port 80 in namespace NAME answering its own name; waits until it listens.
start_http() {
  ip netns exec "$1" node "$REPO_DIR/test/vm/http-server.mjs" "$1" 80 > "/tmp/http-$1.log" 2>&1 &
  echo $! > "/tmp/http-$1.pid"
  local n=0
  # bash's /dev/tcp: a readiness probe that costs no process start (slow under TCG).
  until ip netns exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80' 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 100 ] && { echo "http server $1 did not start" >&2; return 1; }; sleep 0.2
  done
}

stop_http() { kill "$(cat "/tmp/http-$1.pid")" 2>/dev/null || true; }

# requests N: N new connections from the client to the VIP, one after another; prints {"rs1":n,...} as JSON.
requests() { ip netns exec client node "$REPO_DIR/test/vm/client.mjs" "http://10.0.0.1/" "$1" "${2:-1}"; }
