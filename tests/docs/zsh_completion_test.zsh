# Completes claimcheck command lines through the generated zsh completion in
# an interactive zsh on a pseudo-terminal (zpty), as a user's Tab would, and
# checks what is offered. Each read waits for a marker the shell prints once
# it has handled everything typed before it, so nothing is timed.
# Usage: zsh -f zsh_completion_test.zsh <generated _claimcheck>
zmodload zsh/zpty
setopt extended_glob  # the escape-sequence pattern below
completion_dir=${1:A:h}
failures=0
markers=0

# run_until_marker TEXT: types TEXT, then a command printing a fresh marker;
# sets $screen to everything shown until the marker.
run_until_marker() {
  (( markers++ ))
  zpty -w -n shell "$1"
  # ^U clears what completion left on the line; the arithmetic keeps the
  # echoed command from matching the marker it prints.
  zpty -w shell $'\C-u'"print -r -- MARKER-\$(( $markers * 1000 ))"
  screen=""
  local chunk
  zpty -r shell chunk "*MARKER-$(( markers * 1000 ))*"
  screen=${chunk//$'\r'/}
  screen=${(S)screen//$'\e'\[[0-9;?]#[a-zA-Z]/}
}

check() {  # check TYPED WANTED...: after TYPED and Tab, each WANTED is on the screen
  local typed=$1; shift
  run_until_marker "$typed"$'\t'
  local wanted
  for wanted in "$@"; do
    if [[ $screen != *"$wanted"* ]]; then
      print -r -- "FAIL: '$typed<TAB>': '$wanted' not shown"
      (( failures++ ))
    fi
  done
}

zpty shell zsh -f -i
zpty -w shell "unsetopt beep; LISTMAX=1000; fpath=(${(q)completion_dir} \$fpath); autoload -U compinit; compinit -u -D"
run_until_marker ""

check 'claimcheck ' offload retrieve inspect
# -vv is -v twice (stacked short options), not the command
check 'claimcheck -vv ' offload retrieve inspect
check 'claimcheck -vv offload --le' '--level='
check 'claimcheck -v offload --le' '--level='
zpty -d shell

(( failures == 0 )) && print "zsh completion: 4 lines checked, all as expected"
exit $failures
