# fish completion for lsns (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

function __nsbox_lsns_output
    printf '%s\n' NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS
end

complete -c lsns -s J -l json
complete -c lsns -s p -l task -x -a '(__fish_complete_pids)'
complete -c lsns -s h -l help
complete -c lsns -s o -l output -x -a '(__fish_complete_list , __nsbox_lsns_output)'
complete -c lsns -l output-all
complete -c lsns -s P -l persistent
complete -c lsns -s Q -l filter -x
complete -c lsns -s u -l notruncate
complete -c lsns -s V -l version
complete -c lsns -s n -l noheadings
complete -c lsns -s W -l nowrap
complete -c lsns -s l -l list
complete -c lsns -s r -l raw
complete -c lsns -s t -l type -x -a 'mnt net pid uts ipc user cgroup time'
complete -c lsns -s T -l tree
complete -c lsns -s H -l list-columns
complete -c lsns -f
