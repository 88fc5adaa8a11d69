# Completes claimcheck command lines through the generated fish completion,
# as fish would (complete -C), and checks what is offered.
# Usage: fish -N fish_completion_test.fish <generated completion file>
source $argv[1]
set -g failures 0

# offered LINE: the candidates fish offers for LINE, one per line
function offered
    complete -C "$argv[1]" | string replace -r '\t.*' ''
end

function expect  # expect LINE WORD...: each WORD is offered
    set -l got (offered $argv[1])
    for word in $argv[2..-1]
        if not contains -- $word $got
            echo "FAIL: '$argv[1]<TAB>': '$word' not offered (got: $got)"
            set -g failures (math $failures + 1)
        end
    end
end

function reject  # reject LINE WORD...: no WORD is offered
    set -l got (offered $argv[1])
    for word in $argv[2..-1]
        if contains -- $word $got
            echo "FAIL: '$argv[1]<TAB>': '$word' offered"
            set -g failures (math $failures + 1)
        end
    end
end

expect 'claimcheck ' offload retrieve inspect gc stats serve
expect 'claimcheck --store somewhere ' offload gc
expect 'claimcheck offload --le' --level
# A later word naming a command is a file (claimcheck offload gc): gc's
# options are not offloads'.
expect 'claimcheck offload gc --' --level --force
reject 'claimcheck offload gc --' --dry-run --keep-referenced
reject 'claimcheck inspect offload --' --force --level
# gc, stats and serve take no file: none offered (this folder holds some)
cd (dirname (status filename))
set -l files (offered 'claimcheck gc ')
if test (count $files) -ne 0
    echo "FAIL: 'claimcheck gc <TAB>': offered $files"
    set failures (math $failures + 1)
end
expect 'claimcheck offload ' (status basename)
expect 'claimcheck gc --keep-referenced ' (status basename)

if test $failures -eq 0
    echo "fish completion: 9 lines checked, all as expected"
end
exit $failures
