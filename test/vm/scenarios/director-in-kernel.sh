# Guest script of the director scenario: topology, real servers, configs; then the Node driver runs the phases.
source test/vm/topology.sh
setup_topology
for s in rs1 rs2 rs3 sorry; do start_http "$s"; done

{
  echo 'global_defs {'
  echo '  router_id lvsf_test'
  echo '}'
  echo 'virtual_server 10.0.0.1 80 {'
  echo '  delay_loop 1'
  echo '  lb_algo wlc'
  echo '  lb_kind NAT'
  echo '  protocol TCP'
  for ip in 10.0.1.11 10.0.1.12 10.0.1.13; do
    echo "  real_server $ip 80 {"
    echo '    weight 100'
    echo '    TCP_CHECK {'
    echo '      connect_timeout 1'
    echo '      retry 1'
    echo '      delay_before_retry 1'
    echo '    }'
    echo '  }'
  done
  echo '}'
} > /tmp/keepalived.conf

cat > /tmp/director.json <<'DIR'
{
  "id": "vm-director",
  "listen": { "host": "10.0.1.1", "port": 7654 },
  "status": { "host": "127.0.0.1", "port": 7655 },
  "reportInterval": "1s",
  "controlInterval": "2s",
  "smoothing": { "timeConstant": "1s", "blackout": "2s" },
  "staleAfter": "5s",
  "pluginMetrics": ["demo_load_busy_pct"],
  "agents": [
    { "id": "rs1", "token": "vm-token-rs1-0123456789" },
    { "id": "rs2", "token": "vm-token-rs2-0123456789" },
    { "id": "rs3", "token": "vm-token-rs3-0123456789" }
  ],
  "services": [{
    "name": "web", "address": "10.0.0.1", "port": 80,
    "mode": "expression",
    "expression": "base_weight * (100 - demo_load_busy_pct) / 100",
    "damping": { "minInterval": "1s", "maxStep": 25, "deadband": 5, "slowStart": "10s" },
    "fallback": { "after": "3s", "recoverAfter": "5s", "recoverCount": 2 },
    "realServers": [
      { "address": "10.0.1.11", "agent": "rs1", "weight": 100 },
      { "address": "10.0.1.12", "agent": "rs2", "weight": 100 },
      { "address": "10.0.1.13", "agent": "rs3", "weight": 100, "upperThreshold": 80, "lowerThreshold": 60 }
    ],
    "sorryServers": [{ "address": "10.0.1.99", "weight": 1 }]
  }]
}
DIR

# The same director, writing the configured weights back when it stops.
sed 's/"id": "vm-director",/"id": "vm-director", "onExit": "restore",/' /tmp/director.json > /tmp/director-restore.json
grep -q '"onExit": "restore"' /tmp/director-restore.json

for rs in rs1 rs2 rs3; do
  echo 0 > "/tmp/$rs.load"
  cat > "/tmp/$rs.json" <<AG
{ "id": "$rs", "directors": [{ "url": "ws://10.0.1.1:7654", "token": "vm-token-$rs-0123456789" }],
  "sampleInterval": "1s", "reportInterval": "1s", "logLevel": "warn",
  "plugins": [{ "name": "demo_load", "module": "$REPO_DIR/demo/demo-load.mjs", "interval": "1s", "timeout": "900ms", "options": { "file": "/tmp/$rs.load" } }] }
AG
done

REPO_DIR="$REPO_DIR" timeout 560 node test/vm/scenarios/director-in-kernel.mjs
