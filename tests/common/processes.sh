# Prologue for test scripts that start processes (included by tests).
# `start NAME CMD...` runs CMD in the background (output in $T/NAME.log) with
# its PID in $NAME, and waits until it created $T/NAME.ready (10 s at most);
# at exit every started PID and its descendants are killed and $T is
# unmounted and removed.
pids=
killtree() {
    for c in $(cat /proc/$1/task/*/children 2>/dev/null); do killtree $c; done
    kill -9 $1 2>/dev/null || true
}
cleanup() { for p in $pids; do killtree $p; done; }
trap 'cleanup; cd /; /usr/bin/umount -R -l "$T"; rmdir "$T"' EXIT
start() {
    name=$1; shift
    "$@" > "$T/$name.log" 2>&1 & eval "$name=\$!"; pids="$pids $!"
    n=0
    while [ ! -e "$T/$name.ready" ]; do
        n=$((n + 1)); [ $n -lt 500 ] || { echo "$name did not start:"; cat "$T/$name.log"; exit 1; } >&2
        sleep 0.02
    done
}
