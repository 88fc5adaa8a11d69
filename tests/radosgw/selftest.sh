#!/usr/bin/env bash
# Checks tests/with-radosgw itself: two harnesses started together get
# different free ports and state folders, export the variables the tests
# read, answer signed S3 requests on the pre-created bucket, return the
# command's exit status, and leave no daemon or state folder behind.
# Exits 77 (skipped) when the Ceph packages are not installed.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in ceph-mon ceph-osd radosgw curl; do
  command -v "$tool" >/dev/null || { echo "$tool not installed: skipping"; exit 77; }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# What each harness runs: record what it sees, prove the server works.
cat >"$WORK/probe.sh" <<'PROBE'
out="$1"
{
  echo "endpoint=$CLAIMCHECK_TEST_S3_ENDPOINT"
  echo "bucket=$CLAIMCHECK_TEST_S3_BUCKET"
  echo "region=$CLAIMCHECK_TEST_S3_REGION"
  echo "require=$CLAIMCHECK_TEST_REQUIRE_S3"
  echo "state=$RGW_STATE"
  echo "head_bucket=$(curl -s -o /dev/null -w '%{http_code}' -I \
    --aws-sigv4 "aws:amz:$CLAIMCHECK_TEST_S3_REGION:s3" \
    --user "$CLAIMCHECK_TEST_S3_ACCESS_KEY:$CLAIMCHECK_TEST_S3_SECRET_KEY" \
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
    "$CLAIMCHECK_TEST_S3_ENDPOINT/$CLAIMCHECK_TEST_S3_BUCKET")"
} >"$out"
exit 3
PROBE

"$HERE/../with-radosgw" bash "$WORK/probe.sh" "$WORK/one" 2>"$WORK/one.log" &
first=$!
"$HERE/../with-radosgw" bash "$WORK/probe.sh" "$WORK/two" 2>"$WORK/two.log" &
second=$!
wait "$first"; status_one=$?
wait "$second"; status_two=$?
cat "$WORK"/one.log "$WORK"/two.log

[ "$status_one" = 3 ] && [ "$status_two" = 3 ] \
  || fail "with-radosgw returned $status_one and $status_two, not the command's 3"
value() { sed -n "s/^$2=//p" "$WORK/$1"; }
for run in one two; do
  [ -f "$WORK/$run" ] || fail "the command of run $run did not run"
  [[ "$(value $run endpoint)" == http://127.0.0.1:* ]] || fail "run $run: endpoint '$(value $run endpoint)'"
  [ "$(value $run bucket)" = claimcheck-test ] || fail "run $run: bucket '$(value $run bucket)'"
  [ "$(value $run region)" = us-east-1 ] || fail "run $run: region '$(value $run region)'"
  [ "$(value $run require)" = 1 ] || fail "run $run: CLAIMCHECK_TEST_REQUIRE_S3 not 1"
  [ "$(value $run head_bucket)" = 200 ] || fail "run $run: signed HEAD bucket gave $(value $run head_bucket)"
  state="$(value $run state)"
  [ ! -e "$state" ] || fail "run $run: state folder $state left behind"
  for pid in $(pgrep -x 'ceph-mon|ceph-osd|radosgw'); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "CEPH_CONF=$state/ceph.conf" \
      && fail "run $run: daemon $pid still running"
  done
done
[ "$(value one endpoint)" != "$(value two endpoint)" ] || fail "both runs used $(value one endpoint)"
[ "$(value one state)" != "$(value two state)" ] || fail "both runs used one state folder"
echo "OK: two parallel harnesses, distinct ports and state, exit status passed on, nothing left"
