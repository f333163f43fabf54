# Guest script of the two-director scenario: topology, real servers, the IPVS services, configs; then the Node driver.
# REPO_DIR is the build under test (dist/, demo/); the test's own files come from this checkout (the current folder).
HA_TEST_DIR="$(pwd)/test/vm"
source "$HA_TEST_DIR/topology-ha.sh"
setup_ha_topology

# Port 80: plain servers, health-checked by keepalived (scenario 1). Port 8080: the capacity service's servers; rs3
# spends 40 ms of CPU on every request, a slower server (scenario 2). Every agent here reads the same guest CPU, so the
# servers differ in their connection rates only: how fast they are, and where nq finds them idle.
for rs in rs1 rs2 rs3; do start_http "$rs" 80; done
start_http rs1 8080 0
start_http rs2 8080 0
start_http rs3 8080 40
for rs in rs1 rs2 rs3; do wait_http "$rs" 80 && wait_http "$rs" 8080; done

# Scenario 2's services, the same in both directors' tables (nq: see the README). cap (8080) carries traffic; expr
# (8081, the same real servers) carries none: its weights come from the demo_load plugin.
for ns in dira dirb; do
  {
    for port in 8080 8081; do
      echo "-A -t 10.0.0.1:$port -s nq"
      for ip in 10.0.1.11 10.0.1.12 10.0.1.13; do echo "-a -t 10.0.0.1:$port -r $ip:8080 -m -w 100"; done
    done
  } | ip netns exec "$ns" ipvsadm -R
done

# Scenario 1: keepalived owns 10.0.0.1:80 in dira and health-checks it; a failed server keeps its place at weight 0
# (inhibit_on_failure), and every real server has keepalived's own connection thresholds.
{
  echo 'global_defs {'
  echo '  router_id lvsf_ha'
  echo '}'
  echo 'virtual_server 10.0.0.1 80 {'
  echo '  delay_loop 1'
  echo '  lb_algo nq'
  echo '  lb_kind NAT'
  echo '  protocol TCP'
  for ip in 10.0.1.11 10.0.1.12 10.0.1.13; do
    echo "  real_server $ip 80 {"
    echo '    weight 100'
    echo '    inhibit_on_failure'
    echo '    uthreshold 500'
    echo '    lthreshold 100'
    echo '    TCP_CHECK {'
    echo '      connect_timeout 1'
    echo '      retry 1'
    echo '      delay_before_retry 1'
    echo '    }'
    echo '  }'
  done
  echo '}'
} > /tmp/keepalived-ha.conf

# One config for both directors. No service names a threshold. ka: keepalived's service, the configured weight as
# the target, a short externalEditHold so that holding past it shows. cap: capacity mode (the default). expr:
# expression mode on the demo_load plugin's input.
rs_list() { # PORT
  echo "[{ \"address\": \"10.0.1.11\", \"port\": $1, \"agent\": \"rs1\", \"weight\": 100 },"
  echo " { \"address\": \"10.0.1.12\", \"port\": $1, \"agent\": \"rs2\", \"weight\": 100 },"
  echo " { \"address\": \"10.0.1.13\", \"port\": $1, \"agent\": \"rs3\", \"weight\": 100 }]"
}
cat > /tmp/director-ha.json <<DIR
{
  "listen": { "host": "0.0.0.0", "port": 7654 },
  "status": { "host": "0.0.0.0", "port": 7655 },
  "reportInterval": "1s",
  "controlInterval": "2s",
  "settle": "1500ms",
  "smoothing": { "timeConstant": "1s", "blackout": "2s" },
  "staleAfter": "5s",
  "externalEditHold": "4s",
  "pluginMetrics": ["demo_load_busy_pct"],
  "agents": [
    { "id": "rs1", "token": "vm-token-rs1-0123456789" },
    { "id": "rs2", "token": "vm-token-rs2-0123456789" },
    { "id": "rs3", "token": "vm-token-rs3-0123456789" }
  ],
  "defaults": { "damping": { "minInterval": "1s", "maxStep": 25, "deadband": 5, "slowStart": "10s" } },
  "services": [
    { "name": "ka", "address": "10.0.0.1", "port": 80, "mode": "expression", "expression": "base_weight", "realServers": $(rs_list 80) },
    { "name": "cap", "address": "10.0.0.1", "port": 8080, "realServers": $(rs_list 8080) },
    { "name": "expr", "address": "10.0.0.1", "port": 8081, "mode": "expression",
      "expression": "base_weight * (100 - demo_load_busy_pct) / 100", "realServers": $(rs_list 8080) }
  ]
}
DIR

# Every agent reports to both directors.
for rs in rs1 rs2 rs3; do
  echo 0 > "/tmp/$rs.load"
  cat > "/tmp/$rs-ha.json" <<AG
{ "id": "$rs",
  "directors": [{ "url": "ws://10.0.1.1:7654", "token": "vm-token-$rs-0123456789" }, { "url": "ws://10.0.1.2:7654", "token": "vm-token-$rs-0123456789" }],
  "sampleInterval": "1s", "reportInterval": "1s", "logLevel": "warn",
  "plugins": [{ "name": "demo_load", "module": "$REPO_DIR/demo/demo-load.mjs", "interval": "1s", "timeout": "900ms", "options": { "file": "/tmp/$rs.load" } }] }
AG
done

HA_TEST_DIR="$HA_TEST_DIR" REPO_DIR="$REPO_DIR" timeout 330 node "$HA_TEST_DIR/scenarios/neighbours-ha.mjs"
