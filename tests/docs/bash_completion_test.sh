#!/bin/bash
# Completes `claimcheck off<TAB>` and `claimcheck offload --c<TAB>` through the
# real completion function, as bash-completion would call it.
# Usage: bash_completion_test.sh <generated completion file>
set -uo pipefail
completion=$1
# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion || { echo "bash-completion missing"; exit 1; }
# shellcheck disable=SC1091
source "$completion"

# complete_words WORD...: the candidates bash would offer for the last word
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMP_LINE="$*"
  COMP_LINE=${COMP_LINE// = /=}  # "--name = value": readline's words of --name=value
  COMP_LINE=${COMP_LINE// : /:}  # "s3 : //b": readline's words of s3://b
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  local spec fn
  spec=$(complete -p claimcheck) || { echo "no completion registered for claimcheck"; exit 1; }
  fn=$(sed -E 's/.*-F ([^ ]+).*/\1/' <<<"$spec")
  "$fn" claimcheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}

fail=0
expect() {  # expect "<description>" "<got>" <wanted...>
  local what=$1 got=$2; shift 2
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$got" || { echo "FAIL: $what: '$w' not offered (got: $(tr '\n' ' ' <<<"$got"))"; fail=1; }
  done
}
reject() {  # reject "<description>" "<got>" <unwanted...>
  local what=$1 got=$2; shift 2
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$got" && { echo "FAIL: $what: '$w' offered"; fail=1; }
  done
  return 0
}

got=$(complete_words claimcheck off)
expect "claimcheck off<TAB>" "$got" offload
reject "claimcheck off<TAB>" "$got" retrieve inspect

got=$(complete_words claimcheck offload --c)
expect "claimcheck offload --c<TAB>" "$got" --compress --content-type
reject "claimcheck offload --c<TAB>" "$got" --threshold

got=$(complete_words claimcheck offload --compress "")
expect "claimcheck offload --compress <TAB>" "$got" auto always never

got=$(complete_words claimcheck "")
expect "claimcheck <TAB>" "$got" offload retrieve inspect gc stats

# --name=value is one option (readline splits it at '='): what follows it, and
# the value itself, complete as after --name value.
got=$(complete_words claimcheck --store = st offload --l)
expect "claimcheck --store=st offload --l<TAB>" "$got" --level
got=$(complete_words claimcheck -v --store = st "")
expect "claimcheck -v --store=st <TAB>" "$got" offload gc
got=$(complete_words claimcheck offload --compress = "")
expect "claimcheck offload --compress=<TAB>" "$got" auto always never

# a URL or s3://bucket, which readline splits at ':', is one option value
got=$(complete_words claimcheck --store s3 : //b offload --le)
expect "claimcheck --store s3://b offload --le<TAB>" "$got" --level
got=$(complete_words claimcheck --endpoint = http : //x offload --le)
expect "claimcheck --endpoint=http://x offload --le<TAB>" "$got" --level

# gc --keep-referenced FILE ...: each word after it is one more file
got=$(cd "$(dirname "$0")" && complete_words claimcheck gc --keep-referenced a.json "")
expect "claimcheck gc --keep-referenced a.json <TAB>" "$got" "$(basename "$0")"
got=$(complete_words claimcheck gc --keep-referenced a.json --dr)
expect "claimcheck gc --keep-referenced a.json --dr<TAB>" "$got" --dry-run

# a file name with ':' in it (readline replaces only what follows the last ':',
# so the candidate is what completes the word from there)
colon_dir=$(mktemp -d)
trap 'rm -rf "$colon_dir"' EXIT
touch "$colon_dir/run:7.json"
got=$(cd "$colon_dir" && complete_words claimcheck retrieve run : 7)
expect "claimcheck retrieve run:7<TAB>" "$got" 7.json
got=$(cd "$colon_dir" && complete_words claimcheck --store s3 : //b retrieve ru)
expect "claimcheck --store s3://b retrieve ru<TAB>" "$got" run:7.json

for command in offload retrieve inspect gc stats serve; do
  got=$(complete_words claimcheck "$command" --)
  expect "claimcheck $command --<TAB>" "$got" --help --store
  dups=$(sort <<<"$got" | uniq -d)
  [ -z "$dups" ] || { echo "FAIL: claimcheck $command --<TAB>: offered twice: $(tr '\n' ' ' <<<"$dups")"; fail=1; }
done

[ $fail -eq 0 ] && echo "bash completion: 17 completions checked, all as expected"
exit $fail
