# bash completion for claimcheck                            -*- shell-script -*-

_claimcheck() {
  local cur prev words cword
  _init_completion || return

  local commands="offload retrieve inspect gc stats serve"
  local global_opts="--store --endpoint --region --config -v --verbose -q --quiet --version -h --help"

  # the command is the first word that is not an option or an option's value
  local i command=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --store | --endpoint | --region | --config) ((i++)) ;;
      -*) ;;
      *) command=${words[i]}; break ;;
    esac
  done

  case $prev in
    --config | -o | --output | --keep-referenced | --token-file | --tls-cert | --tls-key)
      _filedir
      return ;;
    --store)
      _filedir -d
      return ;;
    --compress)
      COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
      return ;;
    --level)
      COMPREPLY=($(compgen -W "1 2 3 4 5 6 7 8 9" -- "$cur"))
      return ;;
    --endpoint | --region | --threshold | --ttl | --prefix | --content-type | --depth | \
    -j | --jobs | --expires | --as-of | --older-than | --limit | --since | \
    --listen | --allow-origin | --cache-size | --display-limit | --max-body | --request-timeout)
      return ;;
  esac

  local opts
  case $command in
    offload)
      opts="--threshold --force --compress --level --ttl --prefix --content-type -o --output --pretty --json-fields --depth" ;;
    retrieve)
      opts="-o --output --strict --json-fields -j --jobs" ;;
    inspect)
      opts="--offline --verify --url --expires --json -j --jobs" ;;
    gc)
      opts="--dry-run --as-of --prefix --ttl --older-than --limit --keep-referenced --json" ;;
    stats)
      opts="--since --storage --operations --json --prometheus" ;;
    serve)
      opts="--listen --allow-origin --allow-credentials --token-file --tls-cert --tls-key --cache-size --display-limit --offload --threshold --max-body --request-timeout --insecure" ;;
    "")
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
      fi
      return ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $global_opts" -- "$cur"))
  else
    case $command in
      offload | retrieve | inspect) _filedir ;;
    esac
  fi
} &&
  complete -F _claimcheck claimcheck
