# fish completion for unshare (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

complete -c unshare -s h -l help
complete -c unshare -s V -l version
complete -c unshare -l mount
complete -c unshare -l uts
complete -c unshare -l ipc
complete -c unshare -l net
complete -c unshare -l pid
complete -c unshare -l user
complete -c unshare -l cgroup
complete -c unshare -l time
complete -c unshare -s f -l fork
complete -c unshare -l kill-child
complete -c unshare -l forward-signals
complete -c unshare -l mount-proc
complete -c unshare -l mount-binfmt
complete -c unshare -l map-user -x -a '(__fish_complete_users)'
complete -c unshare -l map-users -x
complete -c unshare -l map-group -x -a '(__fish_complete_groups)'
complete -c unshare -l map-groups -x
complete -c unshare -s r -l map-root-user
complete -c unshare -s c -l map-current-user
complete -c unshare -l map-auto
complete -c unshare -l map-subids
complete -c unshare -l owner -x
complete -c unshare -l propagation -x -a 'slave shared private unchanged'
complete -c unshare -l setgroups -x -a 'allow deny'
complete -c unshare -l keep-caps
complete -c unshare -s S -l setuid -x
complete -c unshare -s G -l setgid -x
complete -c unshare -s R -l root -x -a '(__fish_complete_directories)'
complete -c unshare -s w -l wd -x -a '(__fish_complete_directories)'
complete -c unshare -l monotonic -x
complete -c unshare -l boottime -x
complete -c unshare -s l -l load-interp -r -F
complete -c unshare -l clear-env
complete -c unshare -l whitelist-env -x
complete -c unshare -l pivot-root -x -a '(__fish_complete_directories)'
complete -c unshare -s m
complete -c unshare -s u
complete -c unshare -s i
complete -c unshare -s n
complete -c unshare -s p
complete -c unshare -s U
complete -c unshare -s C
complete -c unshare -s T
complete -c unshare -x -a '(__fish_complete_subcommand -S -G -R -w -l --map-user --map-users --map-group --map-groups --owner --propagation --setgroups --setuid --setgid --root --wd --monotonic --boottime --load-interp --whitelist-env --pivot-root)'
