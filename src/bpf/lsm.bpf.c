/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palisade's BPF LSM programs: per-container checks on the kernel's LSM
 * hooks (BPF LSM, kernel 5.7+ with "bpf" in the lsm= list).  Each program
 * finds the policy of the current task's container (common.bpf.h), applies
 * one rule and reports a hit through the ring buffer.  Enforce mode returns
 * -EPERM, audit mode allows and reports.
 *
 * The loader attaches them globally and pins their links by function name
 * (bpf.h), so the function names are part of the contract.  Where BPF LSM
 * does not load (this project's host: FACTS.md) cgroup.bpf.c still guards
 * sockets and sysctls.
 *
 * Every program first honours an earlier denial passed in RET.  (On x86 the
 * trampoline skips the remaining programs once one returns nonzero, so RET
 * is 0 in practice; the check keeps the programs right where it is not.)
 */
#include "common.bpf.h"

/* include/linux/fs.h, uapi fcntl.h, ptrace.h, security.h */
#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define __FMODE_EXEC 0x20 /* in f_flags: an exec open (do_open_execat) */
#define O_TRUNC 01000
#define PTRACE_MODE_ATTACH 0x02
#define CAP_OPT_NOAUDIT 0x2

/* d_path output before it is cut to a trie key.  Per CPU and not pinned:
 * each object has its own, nothing outside this file reads it.  LSM
 * programs run with migration disabled and do not sleep between filling
 * and reading it. */
struct scratch {
	char buf[4096];
	struct pal_bpf_path_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} pal_scratch SEC(".maps");

/* Shorter entries tried when the longest one ends inside a component
 * ("/proc/sys" for "/proc/sysrq-trigger"); a policy rarely has more than
 * one or two such entries along a path. */
#define PATH_RETRIES 8

/*
 * Does an entry of KIND for CGID cover the path in S->key.path (LEN bytes,
 * at most PAL_BPF_PATH_MAX)?  The trie gives the longest entry that is a
 * byte prefix; it covers the path only if it ends at a component boundary
 * (the path ends there or continues with '/', or the entry itself ends in
 * '/', like "/").  Otherwise retry for entries shorter than it.
 */
static __always_inline bool path_match(struct scratch *s, __u32 kind, __u64 cgid, __u32 len)
{
	struct pal_bpf_path_key *key = &s->key;
	__u32 plen = len;

	key->kind = kind;
	key->cgroup_id = cgid;
	for (int i = 0; i < PATH_RETRIES; i++) {
		struct pal_bpf_path_val *v;
		__u32 l, last;

		key->prefixlen = 32 + 64 + 8 * plen;
		v = bpf_map_lookup_elem(&pal_paths, key);
		if (!v)
			return false;
		l = v->len;
		/* the whole path, or all of it we could see (a longer path
		 * cut to the key's size is treated as continuing the entry) */
		if (l == 0 || l >= len || l >= PAL_BPF_PATH_MAX)
			return true;
		if (key->path[l] == '/')
			return true;
		/* the entry's last byte; bounded again for the 6.1 verifier,
		 * which does not carry "l != 0" into l - 1 */
		last = l - 1;
		barrier_var(last);
		if (last < PAL_BPF_PATH_MAX && key->path[last] == '/')
			return true;
		plen = last;
	}
	return false;
}

/* Report a path rule's hit with the path as detail. */
static __always_inline int report_path(const struct pal_bpf_policy *p, unsigned hook, unsigned rule,
				       int verdict, const struct scratch *s, __u32 len)
{
	struct pal_bpf_event *ev = event_open(p, hook, rule, verdict);

	if (ev) {
		__builtin_memcpy(ev->d.path, s->key.path, PAL_BPF_PATH_MAX);
		/* barrier: keep the bound next to the store, for the verifier */
		barrier_var(len);
		if (len > PAL_BPF_PATH_MAX - 1)
			len = PAL_BPF_PATH_MAX - 1;
		ev->d.path[len] = '\0';
		event_send(ev);
	}
	return decide(verdict);
}

/*
 * "A B" into DST (an event's path): A cut to 63 bytes ("-" when absent or
 * unreadable), then B in what is left.
 */
static __always_inline void two_strings(char *dst, const char *a, const char *b)
{
	long n = -1;

	if (a)
		n = bpf_probe_read_kernel_str(dst, 64, a);
	if (n <= 1) { /* absent, unreadable or empty */
		dst[0] = '-';
		n = 2;
	}
	if (n > 64)
		n = 64;
	dst[n - 1] = ' ';
	if (b)
		bpf_probe_read_kernel_str(dst + n, PAL_BPF_PATH_MAX - 64, b);
}

SEC("lsm/file_open")
int BPF_PROG(pal_file_open, struct file *file, int ret)
{
	struct pal_bpf_policy *p;
	struct scratch *s;
	__u32 zero = 0, len;
	int v_exec = 0, v_files;
	bool exec, write;
	long n;

	if (ret)
		return ret;
	exec = (file->f_flags & __FMODE_EXEC) || (file->f_mode & FMODE_EXEC);
	p = find_policy(!exec);
	if (!p)
		return 0;
	/* the container's first exec: its user code starts now, and this
	 * very exec is already checked (bpf_abi.h) */
	if (exec) {
		arm(p);
		v_exec = rule_verdict(p, PAL_BPF_RULE_EXEC_PATH);
	}
	v_files = rule_verdict(p, PAL_BPF_RULE_FILES);
	if (!v_exec && !v_files)
		return 0;

	s = bpf_map_lookup_elem(&pal_scratch, &zero);
	if (!s)
		return 0;
	/* relative to the task's root: the container's own view of the path,
	 * the one the profile names */
	n = bpf_d_path((struct path *)&file->f_path, s->buf, sizeof(s->buf));
	if (n <= 1)
		return 0; /* unnamed or longer than PATH_MAX: no entry can match */
	len = n - 1;
	if (len > PAL_BPF_PATH_MAX)
		len = PAL_BPF_PATH_MAX;
	__builtin_memcpy(s->key.path, s->buf, PAL_BPF_PATH_MAX);

	if (v_exec && path_match(s, PAL_BPF_PATH_EXEC, p->cgroup_id, len))
		return report_path(p, PAL_BPF_HOOK_FILE_OPEN, PAL_BPF_RULE_EXEC_PATH, v_exec, s,
				   len);
	if (!v_files)
		return 0;
	if (path_match(s, PAL_BPF_PATH_OPEN, p->cgroup_id, len))
		return report_path(p, PAL_BPF_HOOK_FILE_OPEN, PAL_BPF_RULE_FILES, v_files, s, len);
	/* O_TRUNC writes even through a read-only open */
	write = (file->f_mode & FMODE_WRITE) || (file->f_flags & O_TRUNC);
	if (write && path_match(s, PAL_BPF_PATH_WRITE, p->cgroup_id, len))
		return report_path(p, PAL_BPF_HOOK_FILE_OPEN, PAL_BPF_RULE_FILES, v_files, s, len);
	return 0;
}

/* struct inode's change time across kernels (CO-RE flavours): a
 * timespec64 i_ctime until 6.5, __i_ctime in 6.6-6.10, then split into
 * i_ctime_sec / i_ctime_nsec. */
struct inode___pal_v61 {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));
struct inode___pal_v66 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___pal_v611 {
	time64_t i_ctime_sec;
	u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

static __always_inline __u64 inode_ctime_ns(const struct inode *inode)
{
	__s64 sec = 0;
	__u64 nsec = 0;

	if (bpf_core_field_exists(struct inode___pal_v611, i_ctime_sec)) {
		const struct inode___pal_v611 *i = (const void *)inode;

		sec = BPF_CORE_READ(i, i_ctime_sec);
		nsec = BPF_CORE_READ(i, i_ctime_nsec);
	} else if (bpf_core_field_exists(struct inode___pal_v66, __i_ctime)) {
		const struct inode___pal_v66 *i = (const void *)inode;

		sec = BPF_CORE_READ(i, __i_ctime.tv_sec);
		nsec = BPF_CORE_READ(i, __i_ctime.tv_nsec);
	} else {
		const struct inode___pal_v61 *i = (const void *)inode;

		sec = BPF_CORE_READ(i, i_ctime.tv_sec);
		nsec = BPF_CORE_READ(i, i_ctime.tv_nsec);
	}
	if (sec < 0)
		return 0;
	return (__u64)sec * 1000000000ULL + nsec;
}

/*
 * Drift: the exec'd file was created or changed (ctime: any write, chmod,
 * rename or link changes it) after the container started, so it is not
 * the image's.  On overlayfs the inode is the overlay's, whose ctime is
 * its upper file's once copied up.
 */
SEC("lsm/bprm_check_security")
int BPF_PROG(pal_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	struct inode *inode;
	int v;

	if (ret)
		return ret;
	v = policed(PAL_BPF_RULE_DRIFT, &p);
	if (!v)
		return 0;
	inode = BPF_CORE_READ(bprm, file, f_inode);
	if (!inode || inode_ctime_ns(inode) <= p->start_realtime_ns)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_BPRM_CHECK, PAL_BPF_RULE_DRIFT, v);
	if (ev) {
		bpf_probe_read_kernel_str(ev->d.path, sizeof(ev->d.path), BPF_CORE_READ(bprm, filename));
		event_send(ev);
	}
	return decide(v);
}

SEC("lsm/sb_mount")
int BPF_PROG(pal_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	if (ret)
		return ret;
	v = policed(PAL_BPF_RULE_MOUNT, &p);
	if (!v)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_SB_MOUNT, PAL_BPF_RULE_MOUNT, v);
	if (ev) {
		two_strings(ev->d.path, type, dev_name);
		event_send(ev);
	}
	return decide(v);
}

/* move_mount(2) of a detached or existing mount.  bpf_d_path is not
 * allowed here: the detail is the moved mount's file system type and the
 * name of its root dentry. */
SEC("lsm/move_mount")
int BPF_PROG(pal_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	if (ret)
		return ret;
	v = policed(PAL_BPF_RULE_MOUNT, &p);
	if (!v)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_MOVE_MOUNT, PAL_BPF_RULE_MOUNT, v);
	if (ev) {
		const char *fstype = BPF_CORE_READ(from_path, mnt, mnt_sb, s_type, name);
		const unsigned char *name = BPF_CORE_READ(from_path, dentry, d_name.name);

		two_strings(ev->d.path, fstype, (const char *)name);
		event_send(ev);
	}
	return decide(v);
}

/*
 * Attach-mode access only (ptrace(2) attach, process_vm_readv/writev,
 * /proc/PID/mem, pidfd_getfd).  Read-mode checks guard /proc/PID/stat,
 * environ, maps...: denying them would break ps and flood audit events,
 * and seccomp plus the capability set already decide what reads are
 * possible.  The kernel does not call this hook within a thread group.
 */
SEC("lsm/ptrace_access_check")
int BPF_PROG(pal_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	if (ret)
		return ret;
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	v = policed(PAL_BPF_RULE_PTRACE, &p);
	if (!v)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_PTRACE, PAL_BPF_RULE_PTRACE, v);
	if (ev) {
		ev->d.ptrace.target_pid = BPF_CORE_READ(child, tgid);
		ev->d.ptrace.mode = mode;
		event_send(ev);
	}
	return decide(v);
}

SEC("lsm/socket_create")
int BPF_PROG(pal_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v, t = type & SOCK_TYPE_MASK;

	if (ret)
		return ret;
	if (kern || !(t == SOCK_RAW || t == SOCK_PACKET || family == AF_PACKET))
		return 0;
	v = policed(PAL_BPF_RULE_RAW_SOCKET, &p);
	if (!v)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_SOCKET_CREATE, PAL_BPF_RULE_RAW_SOCKET, v);
	if (ev) {
		ev->d.sock.family = family;
		ev->d.sock.type = type;
		ev->d.sock.protocol = protocol;
		event_send(ev);
	}
	return decide(v);
}

/* connect(2) of any socket, TCP or UDP, to a denied destination.  (UDP
 * sendto(2) without connect is the cgroup sendmsg programs' part.) */
SEC("lsm/socket_connect")
int BPF_PROG(pal_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	__u32 addr[4] = {};
	__u16 family, port;
	int v;

	if (ret)
		return ret;
	v = policed(PAL_BPF_RULE_CONNECT, &p);
	if (!v)
		return 0;
	family = BPF_CORE_READ(address, sa_family);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)address;

		if (addrlen < (int)sizeof(*sin))
			return 0; /* the kernel refuses it */
		bpf_probe_read_kernel(&addr[0], 4, &sin->sin_addr);
		port = BPF_CORE_READ(sin, sin_port);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (void *)address;

		if (addrlen < (int)sizeof(*sin6))
			return 0;
		bpf_probe_read_kernel(addr, 16, &sin6->sin6_addr);
		port = BPF_CORE_READ(sin6, sin6_port);
	} else {
		return 0;
	}
	if (!net_denied(p, family, addr))
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_SOCKET_CONNECT, PAL_BPF_RULE_CONNECT, v);
	if (ev) {
		event_net(ev, family, addr, port);
		event_send(ev);
	}
	return decide(v);
}

SEC("lsm/kernel_module_request")
int BPF_PROG(pal_kmod_request, char *kmod_name, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	if (ret)
		return ret;
	v = policed(PAL_BPF_RULE_MODULE, &p);
	if (!v)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_KMOD_REQUEST, PAL_BPF_RULE_MODULE, v);
	if (ev) {
		bpf_probe_read_kernel_str(ev->d.path, sizeof(ev->d.path), kmod_name);
		event_send(ev);
	}
	return decide(v);
}

/* The bpf(2) system call.  The hook has three arguments in 6.1 and four
 * in later kernels (a "kernel" flag; 6.18 has it), which moves RET: only
 * CMD is read, and RET is not needed (see the top of this file). */
SEC("lsm/bpf")
int BPF_PROG(pal_bpf, int cmd)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	v = policed(PAL_BPF_RULE_BPF, &p);
	if (!v)
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_BPF, PAL_BPF_RULE_BPF, v);
	if (ev) {
		ev->d.bpf.cmd = cmd;
		event_send(ev);
	}
	return decide(v);
}

/* A non-root container's process becoming root (uid or euid), through
 * setuid(2), setreuid(2), setresuid(2) or setfsuid... a setuid-root
 * binary is exec, not this hook, and no_new_privs stops it. */
SEC("lsm/task_fix_setuid")
int BPF_PROG(pal_fix_setuid, struct cred *new, const struct cred *old, int flags, int ret)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	__u32 root, old_uid, new_uid, new_euid;
	int v;

	if (ret)
		return ret;
	v = policed(PAL_BPF_RULE_SETUID_ROOT, &p);
	if (!v)
		return 0;
	root = p->root_kuid;
	old_uid = BPF_CORE_READ(old, uid.val);
	new_uid = BPF_CORE_READ(new, uid.val);
	new_euid = BPF_CORE_READ(new, euid.val);
	if (old_uid == root || (new_uid != root && new_euid != root))
		return 0;
	ev = event_open(p, PAL_BPF_HOOK_TASK_FIX_SETUID, PAL_BPF_RULE_SETUID_ROOT, v);
	if (ev) {
		ev->d.setuid.old_uid = old_uid;
		ev->d.setuid.new_uid = new_uid == root ? new_uid : new_euid;
		event_send(ev);
	}
	return decide(v);
}

/*
 * Which capabilities a container really uses (input for profile learning):
 * reported once per (container, capability), never denied.  The capability
 * LSM runs first, so a capability not held never gets here; checks made
 * with CAP_OPT_NOAUDIT are the kernel probing, not the container using it.
 */
SEC("lsm/capable")
int BPF_PROG(pal_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct pal_bpf_capseen_key key = {};
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	__u8 one = 1;

	if (ret)
		return ret;
	if (opts & CAP_OPT_NOAUDIT)
		return 0;
	p = find_policy(true);
	if (!p || p->action[PAL_BPF_RULE_CAPABLE] == PAL_BPF_ACT_OFF)
		return 0;
	key.cgroup_id = p->cgroup_id;
	key.cap = cap;
	if (bpf_map_update_elem(&pal_capseen, &key, &one, BPF_NOEXIST))
		return 0; /* seen before */
	ev = event_open(p, PAL_BPF_HOOK_CAPABLE, PAL_BPF_RULE_CAPABLE, PAL_BPF_VERDICT_LOG);
	if (ev) {
		ev->d.cap.cap = cap;
		event_send(ev);
	}
	return 0;
}
