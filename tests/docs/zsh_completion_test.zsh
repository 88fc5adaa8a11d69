# Completes claimcheck command lines through the generated zsh completion in
# an interactive zsh on a pseudo-terminal (zpty), as a user's Tab would, and
# checks what is offered. Nothing is timed: each read waits for what it
# expects (a completion, or a marker the shell prints once it has handled
# everything typed before it); zle shows no listing while keys are still
# pending, so the next keys are typed only once the listing is there. A
# completion that never comes fails by meson's timeout.
# Usage: zsh -f zsh_completion_test.zsh <generated _claimcheck>
zmodload zsh/zpty
setopt extended_glob  # the escape-sequence pattern below
completion_dir=${1:A:h}
failures=0
markers=0

# read_until PATTERN: appends to $screen what the shell shows until PATTERN
read_until() {
  local chunk
  zpty -r shell chunk "$1"
  chunk=${chunk//$'\r'/}
  screen+=${(S)chunk//$'\e'\[[0-9;?]#[a-zA-Z]/}
}

# run_until_marker: clears the line (^U) and runs a command printing a fresh
# marker; the arithmetic keeps the echoed command from matching it.
run_until_marker() {
  (( markers++ ))
  zpty -w shell $'\C-u'"print -r -- MARKER-\$(( $markers * 1000 ))"
  read_until "*MARKER-$(( markers * 1000 ))*"
}

check() {  # check TYPED WANTED...: after TYPED and Tab, each WANTED is on the screen
  local typed=$1; shift
  screen=""
  zpty -w -n shell "$typed"$'\t'
  read_until "*$1*"  # the first one, raw: it may be followed by escape sequences
  run_until_marker
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
screen=""
run_until_marker

check 'claimcheck ' offload retrieve inspect
# -vv is -v twice (stacked short options), not the command
check 'claimcheck -vv ' offload retrieve inspect
check 'claimcheck -vv offload --le' '--level' '--level='
check 'claimcheck -v offload --le' '--level' '--level='
zpty -d shell

(( failures == 0 )) && print "zsh completion: 4 lines checked, all as expected"
exit $failures
