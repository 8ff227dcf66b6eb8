# fish completion for mount (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

function __nsbox_fstypes
    awk '{print $NF}' /proc/filesystems 2>/dev/null
end

function __nsbox_uuids
    ls /dev/disk/by-uuid 2>/dev/null
end

function __nsbox_labels
    ls /dev/disk/by-label 2>/dev/null
end

function __nsbox_mount_options_source
    printf '%s\n' fstab mtab disable
end

complete -c mount -s a -l all
complete -c mount -l beneath
complete -c mount -l exclusive
complete -c mount -s f -l fake
complete -c mount -s T -l fstab -r -F
complete -c mount -s F -l fork
complete -c mount -s h -l help
complete -c mount -s n -l no-mtab
complete -c mount -s r -l read-only
complete -c mount -l ro
complete -c mount -s v -l verbose
complete -c mount -s V -l version
complete -c mount -s w -l read-write
complete -c mount -l rw
complete -c mount -s o -l options -x
complete -c mount -s O -l test-opts -x
complete -c mount -s t -l types -x -a '(__fish_complete_list , __nsbox_fstypes)'
complete -c mount -s U -l uuid -x -a '(__nsbox_uuids)'
complete -c mount -s L -l label -x -a '(__nsbox_labels)'
complete -c mount -s B -l bind
complete -c mount -s M -l move
complete -c mount -s R -l rbind
complete -c mount -l make-shared
complete -c mount -l make-slave
complete -c mount -l make-private
complete -c mount -l make-unbindable
complete -c mount -l make-rshared
complete -c mount -l make-rslave
complete -c mount -l make-rprivate
complete -c mount -l make-runbindable
complete -c mount -l map-groups -x
complete -c mount -l map-users -x
complete -c mount -s m -l mkdir
complete -c mount -s c -l no-canonicalize
complete -c mount -s i -l internal-only
complete -c mount -s l -l show-labels
complete -c mount -l target -r -F
complete -c mount -l target-prefix -x -a '(__fish_complete_directories)'
complete -c mount -l source -r -F
complete -c mount -l onlyonce
complete -c mount -l options-mode -x -a 'ignore append prepend replace'
complete -c mount -l options-source -x -a '(__fish_complete_list , __nsbox_mount_options_source)'
complete -c mount -l options-source-force
complete -c mount -s N -l namespace -x -a '(__fish_complete_pids)'
complete -c mount -s s
