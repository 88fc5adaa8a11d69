# fish completion for claimcheck

set -l commands offload retrieve inspect gc stats serve

# global options
complete -c claimcheck -l store -r -d 'Store URI (s3://bucket/prefix or a directory)'
complete -c claimcheck -l endpoint -x -d 'S3 endpoint URL'
complete -c claimcheck -l region -x -d 'Signing region'
complete -c claimcheck -l config -r -F -d 'Configuration file'
complete -c claimcheck -s v -l verbose -d 'More detail on stderr'
complete -c claimcheck -s q -l quiet -d 'No progress or notices'
complete -c claimcheck -l version -d 'Print the version'
complete -c claimcheck -s h -l help -d 'Print help'

# commands
complete -c claimcheck -f -n "not __fish_seen_subcommand_from $commands" -a offload -d 'Store a large payload, print its reference'
complete -c claimcheck -f -n "not __fish_seen_subcommand_from $commands" -a retrieve -d 'Reference to verified original bytes'
complete -c claimcheck -f -n "not __fish_seen_subcommand_from $commands" -a inspect -d 'Explain references in documents and histories'
complete -c claimcheck -f -n "not __fish_seen_subcommand_from $commands" -a gc -d 'Delete expired objects'
complete -c claimcheck -f -n "not __fish_seen_subcommand_from $commands" -a stats -d 'Storage and operation statistics'
complete -c claimcheck -f -n "not __fish_seen_subcommand_from $commands" -a serve -d 'Temporal codec server for the Web UI and CLI'

# offload
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l threshold -x -d 'Offload at or above this size'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l force -d 'Offload whatever the size'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l compress -x -a 'auto always never' -d 'Compression policy'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l level -x -a '1 2 3 4 5 6 7 8 9' -d 'gzip level'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l ttl -x -d 'Time to keep the object'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l prefix -x -d 'Key prefix'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l content-type -x -d 'Content type'
complete -c claimcheck -n '__fish_seen_subcommand_from offload retrieve' -s o -l output -r -F -d 'Write to FILE atomically'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l pretty -d 'Indent the reference'
complete -c claimcheck -n '__fish_seen_subcommand_from offload retrieve' -l json-fields -d 'Work on the fields of a JSON document'
complete -c claimcheck -n '__fish_seen_subcommand_from offload' -l depth -x -d 'Nesting depth for --json-fields'

# retrieve
complete -c claimcheck -n '__fish_seen_subcommand_from retrieve' -l strict -d 'Fail when the input is not a reference'
complete -c claimcheck -n '__fish_seen_subcommand_from retrieve inspect' -s j -l jobs -x -d 'References fetched or looked up at once'

# inspect
complete -c claimcheck -n '__fish_seen_subcommand_from inspect' -l offline -d 'Make no request to the store'
complete -c claimcheck -n '__fish_seen_subcommand_from inspect' -l verify -d 'Download and check each object'
complete -c claimcheck -n '__fish_seen_subcommand_from inspect' -l url -d 'Print a presigned GET URL per reference'
complete -c claimcheck -n '__fish_seen_subcommand_from inspect' -l expires -x -d 'Lifetime of the URLs'
complete -c claimcheck -n '__fish_seen_subcommand_from inspect gc stats' -l json -d 'JSON output'

# gc
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l dry-run -d 'List what would be deleted'
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l as-of -x -d 'Judge expiry at TIME or +DURATION'
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l prefix -x -d 'Key prefix'
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l ttl -x -d 'TTL for objects without recorded expiry'
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l older-than -x -d 'Only objects older than this'
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l limit -x -d 'Delete at most N'
complete -c claimcheck -n '__fish_seen_subcommand_from gc' -l keep-referenced -r -F -d 'Never delete objects referenced here'

# stats
complete -c claimcheck -n '__fish_seen_subcommand_from stats' -l since -x -d 'Only journal records newer than this'
complete -c claimcheck -n '__fish_seen_subcommand_from stats' -l storage -d 'Only the storage view'
complete -c claimcheck -n '__fish_seen_subcommand_from stats' -l operations -d 'Only the operations view'
complete -c claimcheck -n '__fish_seen_subcommand_from stats' -l prometheus -d 'Prometheus text format'

# serve
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l listen -x -d 'Address to listen on, HOST:PORT'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l allow-origin -x -d 'Web UI origin allowed by CORS (repeatable)'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l allow-credentials -d 'Allow cross-origin credentials'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l token-file -r -F -d 'Require this bearer token'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l tls-cert -r -F -d 'PEM certificate chain for https'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l tls-key -r -F -d 'PEM private key for https'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l cache-size -x -d 'Memory for verified objects'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l display-limit -x -d 'Web UI: larger payloads stay references'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l offload -d '/encode offloads large payloads'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l threshold -x -d 'With --offload: offload at or above this size'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l max-body -x -d 'Largest request body'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l request-timeout -x -d 'Time to receive a request or send a response'
complete -c claimcheck -n '__fish_seen_subcommand_from serve' -l insecure -d 'Allow a non-loopback address without TLS and token'
