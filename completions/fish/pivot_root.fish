# fish completion for pivot_root (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

complete -c pivot_root -s V -l version
complete -c pivot_root -s h -l help
complete -c pivot_root -x -a '(__fish_complete_directories)'
