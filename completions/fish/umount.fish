# fish completion for umount (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

function __nsbox_fstypes
    awk '{print $NF}' /proc/filesystems 2>/dev/null
end

function __nsbox_mountpoints
    awk '{print $2}' /proc/self/mounts 2>/dev/null
end

complete -c umount -s a -l all
complete -c umount -s A -l all-targets
complete -c umount -s d -l detach-loop
complete -c umount -l fake
complete -c umount -s f -l force
complete -c umount -s g -l graceful
complete -c umount -s h -l help
complete -c umount -s i -l internal-only
complete -c umount -s l -l lazy
complete -c umount -s c -l no-canonicalize
complete -c umount -s n -l no-mtab
complete -c umount -s q -l quiet
complete -c umount -s r -l read-only
complete -c umount -s R -l recursive
complete -c umount -s O -l test-opts -x
complete -c umount -s t -l types -x -a '(__fish_complete_list , __nsbox_fstypes)'
complete -c umount -s v -l verbose
complete -c umount -s V -l version
complete -c umount -s N -l namespace -x -a '(__fish_complete_pids)'
complete -c umount -f -a '(__nsbox_mountpoints)'
