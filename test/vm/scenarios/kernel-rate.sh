# Guest script of the kernel-rate scenario: three real servers behind a round-robin NAT service that nobody else edits,
# and a real director reading the kernel; the Node driver sends paced traffic and records what both sides counted.
source test/vm/topology.sh
setup_topology
ipvsadm -A -t 10.0.0.1:80 -s rr
for ip in 10.0.1.11 10.0.1.12 10.0.1.13; do ipvsadm -a -t 10.0.0.1:80 -r "$ip:80" -m -w 100; done

# No agents run: the rate the director derives from the kernel does not depend on them (each server waits for its
# agent, so the weights stay as set). A 2 s decision interval, as in the other scenarios, and a 1 s time constant.
cat > /tmp/director.json <<'DIR'
{
  "id": "vm-kernel-rate",
  "listen": { "host": "10.0.1.1", "port": 7654 },
  "status": { "host": "127.0.0.1", "port": 7655 },
  "controlInterval": "2s",
  "smoothing": { "timeConstant": "1s" },
  "agents": [
    { "id": "rs1", "token": "vm-token-rs1-0123456789" },
    { "id": "rs2", "token": "vm-token-rs2-0123456789" },
    { "id": "rs3", "token": "vm-token-rs3-0123456789" }
  ],
  "services": [{
    "name": "web", "address": "10.0.0.1", "port": 80,
    "realServers": [
      { "address": "10.0.1.11", "agent": "rs1", "weight": 100 },
      { "address": "10.0.1.12", "agent": "rs2", "weight": 100 },
      { "address": "10.0.1.13", "agent": "rs3", "weight": 100 }
    ]
  }]
}
DIR

# The director starts first (a process start is slow under TCG); the real servers start meanwhile.
node "$REPO_DIR/dist/bin/lvs-feedback.js" director --config /tmp/director.json 2> /tmp/director.log &
echo $! > /tmp/director.pid
start_http rs1 & h1=$!
start_http rs2 & h2=$!
start_http rs3 & h3=$!
wait "$h1" "$h2" "$h3"

REPO_DIR="$REPO_DIR" timeout 150 node test/vm/scenarios/kernel-rate.mjs
