# fish completion for findmnt (nsbox), generated from its option table
# by `cargo run -p nsbox-completions`: do not edit.

function __nsbox_findmnt_output
    printf '%s\n' TARGET ACTION AVAIL FREQ FSROOT FSTYPE FS-OPTIONS ID INO.AVAIL INO.TOTAL INO.USED INO.USE% LABEL MAJ:MIN OLD-OPTIONS OLD-TARGET OPTIONS OPT-FIELDS PARENT PARTLABEL PARTUUID PASSNO PROPAGATION SIZE SOURCE SOURCES TID UNIQ-ID USED USE% UUID VFS-OPTIONS SHARED MASTER PROPAGATE-FROM
end

function __nsbox_fstypes
    awk '{print $NF}' /proc/filesystems 2>/dev/null
end

complete -c findmnt -s A -l all
complete -c findmnt -s a -l ascii
complete -c findmnt -s b -l bytes
complete -c findmnt -s c -l canonicalize
complete -c findmnt -s d -l direction -x -a 'forward backward'
complete -c findmnt -s D -l df
complete -c findmnt -s I -l dfi
complete -c findmnt -s e -l evaluate
complete -c findmnt -s f -l first-only
complete -c findmnt -s s -l fstab
complete -c findmnt -s h -l help
complete -c findmnt -s i -l invert
complete -c findmnt -s J -l json
complete -c findmnt -l kernel
complete -c findmnt -s k
complete -c findmnt -s l -l list
complete -c findmnt -s M -l mountpoint -x -a '(__fish_complete_directories)'
complete -c findmnt -s m -l mtab
complete -c findmnt -s n -l noheadings
complete -c findmnt -s u -l notruncate
complete -c findmnt -s O -l options -x
complete -c findmnt -s o -l output -x -a '(__fish_complete_list , __nsbox_findmnt_output)'
complete -c findmnt -l output-all
complete -c findmnt -s p -l poll
complete -c findmnt -s P -l pairs
complete -c findmnt -s Q -l filter -x
complete -c findmnt -s r -l raw
complete -c findmnt -s t -l types -x -a '(__fish_complete_list , __nsbox_fstypes)'
complete -c findmnt -s C -l nocanonicalize
complete -c findmnt -s v -l nofsroot
complete -c findmnt -s R -l submounts
complete -c findmnt -s S -l source -r -F
complete -c findmnt -s F -l tab-file -r -F
complete -c findmnt -s N -l task -x -a '(__fish_complete_pids)'
complete -c findmnt -s T -l target -r -F
complete -c findmnt -s w -l timeout -x
complete -c findmnt -s U -l uniq
complete -c findmnt -s x -l verify
complete -c findmnt -s V -l version
complete -c findmnt -s y -l shell
complete -c findmnt -l verbose
complete -c findmnt -l tree
complete -c findmnt -l real
complete -c findmnt -l pseudo
complete -c findmnt -l vfs-all
complete -c findmnt -l shadowed
complete -c findmnt -l hyperlink
complete -c findmnt -l id -x
complete -c findmnt -l uniq-id -x
complete -c findmnt -s H -l list-columns
complete -c findmnt -l receivers -x -a '(__fish_complete_directories)'
