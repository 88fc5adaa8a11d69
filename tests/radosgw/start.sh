#!/usr/bin/env bash
# Start a throw-away single-node Ceph cluster (one mon, one in-memory memstore
# osd) and radosgw as an S3 endpoint on 127.0.0.1, for claimcheck's tests.
# Needs the Debian packages ceph-mon ceph-osd radosgw ceph-common and curl;
# no root, systemd or kernel modules. All state lives in one folder.
#
# Prints shell assignments (S3_ENDPOINT, S3_STS_ENDPOINT, S3_ACCESS_KEY,
# S3_SECRET_KEY, S3_REGION, S3_BUCKET, S3_ROLE_ARN, S3_DENIED_ROLE_ARN,
# RGW_STATE) on stdout; progress goes to stderr. S3_STS_ENDPOINT is a second
# radosgw on the same cluster that also serves STS AssumeRole and accepts the
# temporary credentials it hands out.
#
# Environment (all optional):
#   RGW_STATE   state folder; default: a new mktemp folder (wiped if it exists)
#   RGW_PORT    S3 port;           default: a free port chosen now
#   MON_PORT    ceph-mon port;     default: a free port chosen now
#   STS_PORT    S3 + STS port;     default: a free port chosen now
#   S3_ACCESS_KEY / S3_SECRET_KEY  credentials of the S3 user created
#   S3_BUCKET   bucket to create (default "test"; empty: none)
#   RGW_STS_KEY 16-character key radosgw encrypts STS session tokens with
#   RGW_TIMEOUT seconds to wait for each stage (default 120)
#   RGW_MEMSTORE_BYTES  the in-memory OSD's capacity (default 8 GiB); the
#               benchmark's million objects need more
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${RGW_STATE:-}"
[ -n "$STATE" ] || STATE="$(mktemp -d "${TMPDIR:-/tmp}/claimcheck-rgw.XXXXXX")"
STATE="$(realpath -m "$STATE")"
ACCESS_KEY="${S3_ACCESS_KEY:-TESTACCESSKEY0000001}"
SECRET_KEY="${S3_SECRET_KEY:-testsecretkey0000000000000000000000000001}"
BUCKET="${S3_BUCKET-test}"
TIMEOUT="${RGW_TIMEOUT:-120}"
STS_KEY="${RGW_STS_KEY:-claimcheckstskey}"
[ "${#STS_KEY}" = 16 ] || { echo "radosgw/start.sh: RGW_STS_KEY must be 16 characters" >&2; exit 1; }
CONF="$STATE/ceph.conf"
PIDS="$STATE/pids"
LOG="$STATE/log"
export CEPH_CONF="$CONF"   # every ceph tool reads this file, never /etc/ceph
T0=$(date +%s.%N)

log() { printf '[radosgw/start.sh %6.2fs] %s\n' \
  "$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{print a-b}')" "$*" >&2; }
die() {
  log "ERROR: $*"
  for f in "$LOG"/*.log "$LOG"/*.out; do
    [ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 20 "$f" >&2; }
  done
  RGW_STATE="$STATE" "$HERE/stop.sh" >&2 || true
  exit 1
}
# alive <pid>: the process exists and is not a zombie
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ "$st" != Z* ]]; }
all_alive() {
  local f
  for f in "$PIDS"/*.pid; do
    [ -f "$f" ] && ! alive "$(cat "$f")" && die "$(basename "$f" .pid) died (logs in $LOG)"
  done
  return 0
}
# wait_for <what> <command...>: poll every 0.1 s until it succeeds or TIMEOUT
wait_for() {
  local what="$1"; shift
  local end=$(( $(date +%s) + TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || die "timeout waiting for $what"
    all_alive
    sleep 0.1
  done
  all_alive
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port: a port nobody listens on now, below the kernel's ephemeral range:
# a port inside it can be taken between this check and the daemon's bind by
# any outgoing connection (seen as "mon.a died: Address already in use").
# Random, so that two harnesses started at the same moment rarely collide.
free_port() {
  local p i low=10000 high
  high=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$high" -gt $(( low + 1000 )) ] || { low=1024; }
  for i in $(seq 1 200); do
    p=$(( low + (RANDOM * 32768 + RANDOM) % (high - low) ))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  echo "radosgw/start.sh: no free port found" >&2
  return 1
}
# spawn <name> <cmd...>: a daemon in the foreground (-f) in its own session;
# setsid does not fork here, so $! is the daemon itself.
spawn() {
  local name="$1"; shift
  setsid "$@" </dev/null >>"$LOG/$name.out" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph curl; do
  command -v "$tool" >/dev/null || {
    echo "radosgw/start.sh: $tool not found; install: ceph-mon ceph-osd radosgw ceph-common curl" >&2
    exit 1
  }
done

RGW_PORT="${RGW_PORT:-$(free_port)}"
MON_PORT="${MON_PORT:-$(free_port)}"
while [ "$MON_PORT" = "$RGW_PORT" ]; do MON_PORT="$(free_port)"; done
STS_PORT="${STS_PORT:-$(free_port)}"
while [ "$STS_PORT" = "$RGW_PORT" ] || [ "$STS_PORT" = "$MON_PORT" ]; do STS_PORT="$(free_port)"; done

# 1. stop a previous instance in this folder (only its own pids), wipe it
RGW_STATE="$STATE" "$HERE/stop.sh" >/dev/null 2>&1 || true
rm -rf "$STATE"
for p in "$RGW_PORT" "$MON_PORT" "$STS_PORT"; do
  port_busy "$p" && { echo "radosgw/start.sh: 127.0.0.1:$p is already in use" >&2; exit 1; }
done
mkdir -p "$STATE"/{mon,osd/ceph-0,run,crash,rgw,rgw-sts} "$PIDS" "$LOG"
log "state in $STATE, S3 port $RGW_PORT, STS port $STS_PORT, mon port $MON_PORT"

FSID=$(cat /proc/sys/kernel/random/uuid)
cat >"$CONF" <<CONF
[global]
fsid = $FSID
mon_host = v2:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# radosgw asks for ms_mon_client_mode=secure by default, which auth 'none'
# cannot give (it loops on "get_initial_auth_request returned -13")
ms_mon_client_mode = crc
keyring = /dev/null
run_dir = $STATE/run
admin_socket = $STATE/run/\$name.asok
pid_file =
log_file = $LOG/\$name.log
mon_cluster_log_file = $LOG/cluster.log
crash_dir = $STATE/crash
log_to_stderr = false
err_to_stderr = true
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
mon_data_avail_crit = 1
mon_data_avail_warn = 2

[mon]
mon_data = $STATE/mon/\$cluster-\$id
# commit map changes quickly: radosgw's first start needs about ten osdmap
# epochs, one second each by default
paxos_propose_interval = 0.05
paxos_min_wait = 0.01

[osd]
osd_data = $STATE/osd/\$cluster-\$id
osd_objectstore = memstore
memstore_device_bytes = ${RGW_MEMSTORE_BYTES:-8589934592}

[client.rgw.s3]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw_data = $STATE/rgw
rgw_thread_pool_size = 32

# A second radosgw on the same cluster with STS (AssumeRole) enabled, for the
# credential chain's tests. Not on the main port: with STS on, radosgw 16.2
# answers every bad signature with AccessDenied instead of
# SignatureDoesNotMatch (its STS auth engine denies first and that answer
# wins), and the other tests check SignatureDoesNotMatch. The key encrypts
# session tokens and must be 16 characters.
[client.rgw.sts]
rgw_frontends = beast endpoint=127.0.0.1:$STS_PORT tcp_nodelay=1
rgw_data = $STATE/rgw-sts
rgw_thread_pool_size = 16
rgw_s3_auth_use_sts = true
rgw_sts_key = $STS_KEY
CONF

# 2. monitor
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$STATE/monmap" >/dev/null \
  || die "monmaptool failed"
ceph-mon -i a --mkfs --monmap "$STATE/monmap" >>"$LOG/mkfs.out" 2>&1 || die "ceph-mon --mkfs failed"
spawn mon.a ceph-mon -f -i a
wait_for "ceph-mon" timeout 10 ceph --connect-timeout 5 mon stat
log "mon up"

# 3. one OSD that keeps everything in memory
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
OSD_ID=$(ceph osd new "$OSD_UUID" 2>>"$LOG/mkfs.out") || die "ceph osd new failed"
[ "$OSD_ID" = 0 ] || die "unexpected osd id $OSD_ID"
ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$LOG/mkfs.out" 2>&1 || die "ceph-osd --mkfs failed"
spawn osd.0 ceph-osd -f -i 0
wait_for "osd.0 up" sh -c 'ceph osd dump --format json | grep -q "\"up\":1"'
log "osd up"

# 4. radosgw (creates its pools on first start)
spawn rgw radosgw -f -n client.rgw.s3
wait_for "S3 endpoint" curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/"
log "S3 endpoint answers"
# the STS-enabled one, once the pools exist (started now, awaited at the end)
spawn rgw-sts radosgw -f -n client.rgw.sts

# 5. the S3 user
radosgw-admin -n client.rgw.s3 user create --uid=test --display-name=test \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$STATE/user.json" 2>>"$LOG/mkfs.out" \
  || die "radosgw-admin user create failed"

# 5b. STS: a role the user may assume, allowed every S3 action, and a role
#     whose trust policy names another user (AssumeRole is denied).
admin() { radosgw-admin -n client.rgw.s3 "$@" >/dev/null 2>>"$LOG/mkfs.out"; }
# oidc-provider: the web identity tests register their own issuer (IAM API).
admin caps add --uid=test --caps="roles=*;oidc-provider=*" || die "radosgw-admin caps add failed"
trust() {
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/%s"]},"Action":["sts:AssumeRole"]}]}' "$1"
}
admin role create --role-name=claimcheck-test --path=/ --assume-role-policy-doc="$(trust test)" \
  || die "radosgw-admin role create claimcheck-test failed"
admin role-policy put --role-name=claimcheck-test --policy-name=all-s3 \
  --policy-doc='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*"],"Resource":"arn:aws:s3:::*"}}' \
  || die "radosgw-admin role-policy put failed"
admin role create --role-name=claimcheck-denied --path=/ --assume-role-policy-doc="$(trust someone-else)" \
  || die "radosgw-admin role create claimcheck-denied failed"
log "STS roles created"

# 6. the bucket, created with a SigV4-signed request: this also proves the
#    credentials work. radosgw wants x-amz-content-sha256 with curl's signer.
if [ -n "$BUCKET" ]; then
  code=$(curl -s -o "$LOG/create-bucket.out" -w '%{http_code}' -X PUT \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$RGW_PORT/$BUCKET")
  [ "$code" = 200 ] || die "create bucket $BUCKET failed: HTTP $code $(cat "$LOG/create-bucket.out")"
  log "bucket $BUCKET created"
fi

wait_for "STS endpoint" curl -sf -o /dev/null "http://127.0.0.1:$STS_PORT/"
log "STS endpoint answers"

cat <<VARS
S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
S3_STS_ENDPOINT=http://127.0.0.1:$STS_PORT
S3_ACCESS_KEY=$ACCESS_KEY
S3_SECRET_KEY=$SECRET_KEY
S3_REGION=us-east-1
S3_BUCKET=$BUCKET
S3_ROLE_ARN=arn:aws:iam:::role/claimcheck-test
S3_DENIED_ROLE_ARN=arn:aws:iam:::role/claimcheck-denied
RGW_STATE=$STATE
VARS
