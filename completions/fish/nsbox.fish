# fish completion for nsbox (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -a 'findmnt lsns mount nsenter pivot_root umount unshare'
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -l help
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -s h
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -l version
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -s V
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -l list
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -l list-full
complete -c nsbox -f -n '__fish_use_subcommand; and not __fish_contains_opt install' -l install
complete -c nsbox -f -n '__fish_contains_opt install' -s s
complete -c nsbox -x -n '__fish_contains_opt install' -a '(__fish_complete_directories)'
complete -c nsbox -x -n 'not __fish_use_subcommand; and not __fish_contains_opt install' -a '(__fish_complete_subcommand)'
