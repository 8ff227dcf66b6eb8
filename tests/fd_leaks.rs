//! No file descriptor a tool opens leaks into the program it runs: the
//! program sees exactly the descriptors it would see when run directly.

mod common;

use common::{ok, root, sh};

#[test]
fn programs_run_by_unshare_and_nsenter_inherit_no_extra_fds() {
    if !root() {
        return;
    }
    let out = sh(r#"
        exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
        direct=$(ls /proc/self/fd | sort -n | tr '\n' ' ')
        echo "direct $direct"
        touch netfile
        echo "unshare $(unshare -m -u ls /proc/self/fd | sort -n | tr '\n' ' ')"
        echo "unshare-fork $(unshare -p -f --mount-proc --kill-child ls /proc/self/fd | sort -n | tr '\n' ' ')"
        echo "unshare-persist $(unshare -m --net=netfile ls /proc/self/fd | sort -n | tr '\n' ' ')"
        /usr/bin/unshare -p -f -n -u sleep 60 & holder=$!
        while [ -z "$(cat /proc/$holder/task/$holder/children)" ]; do sleep 0.02; done
        t=$(cat /proc/$holder/task/$holder/children | tr -d ' ')
        echo "nsenter $(nsenter -t $t -a ls /proc/self/fd | sort -n | tr '\n' ' ')"
        echo "nsenter-dirs $(nsenter -t $t -n -r -w -e -S 0 -G 0 ls /proc/self/fd | sort -n | tr '\n' ' ')"
        echo "nsenter-file $(nsenter --net=/proc/$t/ns/net --uts=/proc/$t/ns/uts ls /proc/self/fd | sort -n | tr '\n' ' ')"
        kill -9 $t $holder
    "#);
    let text = ok(&out);
    let mut lines = text.lines();
    let direct = lines
        .next()
        .and_then(|l| l.strip_prefix("direct "))
        .expect("direct line")
        .to_owned();
    assert!(!direct.is_empty(), "{text}");
    let mut checked = 0;
    for line in lines {
        let (what, fds) = line.split_once(' ').unwrap_or((line, ""));
        assert_eq!(fds, direct, "{what} leaked descriptors:\n{text}");
        checked += 1;
    }
    assert_eq!(checked, 6, "{text}");
}
