# fish completion for nsenter (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

complete -c nsenter -s a -l all
complete -c nsenter -s h -l help
complete -c nsenter -s V -l version
complete -c nsenter -s t -l target -x -a '(__fish_complete_pids)'
complete -c nsenter -s m -l mount
complete -c nsenter -s u -l uts
complete -c nsenter -s i -l ipc
complete -c nsenter -s n -l net
complete -c nsenter -s N -l net-socket -x
complete -c nsenter -s p -l pid
complete -c nsenter -s U -l user
complete -c nsenter -s C -l cgroup
complete -c nsenter -s T -l time
complete -c nsenter -s S -l setuid -x
complete -c nsenter -s G -l setgid -x
complete -c nsenter -s r -l root
complete -c nsenter -s w -l wd
complete -c nsenter -s W -l wdns
complete -c nsenter -s e -l env
complete -c nsenter -s F -l no-fork
complete -c nsenter -s c -l join-cgroup
complete -c nsenter -l preserve-credentials
complete -c nsenter -l keep-caps
complete -c nsenter -l user-parent
complete -c nsenter -s Z -l follow-context
complete -c nsenter -x -a '(__fish_complete_subcommand -t -N -S -G --target --net-socket --setuid --setgid)'
