# Fault injector for the tests: runs COMMAND under a seccomp filter that
# makes chosen system calls fail.
#   python3 inject.py NR:ERRNO[:ARG:MASK|:ARG:=VALUE]... -- COMMAND...
# NR:ERRNO fails every call NR with ERRNO; with ARG, only when argument ARG
# (low 32 bits) has a bit of MASK set, or equals VALUE.
import ctypes, os, struct, sys
args = sys.argv[1:]
sep = args.index("--")
rules, cmd = args[:sep], args[sep + 1:]
def insn(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)
LD, JEQ, JSET, RET = 0x20, 0x15, 0x45, 0x06
prog = []
for rule in rules:
    f = rule.split(":")
    nr, err = int(f[0], 0), int(f[1], 0)
    prog.append(insn(LD, 0))
    if len(f) == 4:
        prog.append(insn(JEQ, nr, 0, 3))
        prog.append(insn(LD, 16 + 8 * int(f[2])))
        if f[3].startswith("="):
            prog.append(insn(JEQ, int(f[3][1:], 0), 0, 1))
        else:
            prog.append(insn(JSET, int(f[3], 0), 0, 1))
    else:
        prog.append(insn(JEQ, nr, 0, 1))
    prog.append(insn(RET, 0x00050000 | err))
prog.append(insn(RET, 0x7FFF0000))
buf = ctypes.create_string_buffer(b"".join(prog))
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
libc = ctypes.CDLL(None, use_errno=True)
fprog = Fprog(len(prog), ctypes.addressof(buf))
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit("inject: seccomp: " + os.strerror(ctypes.get_errno()))
os.execvp(cmd[0], cmd)
