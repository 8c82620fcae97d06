/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palisade's own configuration: /etc/palisade/palisade.conf, a JSON object
 * (C and C++ comments allowed).  The environment variable PALISADE_CONFIG
 * names another file (tests use their own).  A missing default file means
 * defaults; a missing file named by PALISADE_CONFIG is an error (a typo must
 * not silently drop a policy).
 *
 *   {
 *     "runtime": "/usr/sbin/runc",      backend, absolute, never $PATH
 *     "state_dir": "/run/palisade",     per-container records
 *     "bpf_dir": "/sys/fs/bpf/palisade", BPF pins (on a bpffs mount)
 *     "monitor": {                      `palisade monitor` (monitor.h)
 *       "log": "/var/log/palisade/violations.log",  JSON lines
 *       "log_max_bytes": 10485760, "log_keep": 5,   size-based rotation
 *       "syslog": false,                each line to syslog too
 *       "metrics": "/path/palisade.prom", Prometheus text file (default:
 *                                       STATE_DIR/metrics.prom)
 *       "autostart": "start"            what create does when no monitor
 *     },                                runs: "start" it, "refuse", "off"
 *     "profile_dirs": ["/etc/palisade/profiles", PAL_DATADIR "/profiles"],
 *                                       searched in order, first NAME.json wins
 *     "default_profile": "default",     when nothing else selects one
 *     "selection": [                    first matching rule wins (select.h)
 *       {"match": {"namespace": "prod",
 *                  "image_prefix": "registry.example.com/",
 *                  "image_not_prefix": "registry.example.com/",
 *                  "annotation": {"key": "value"}},
 *        "profile": "restricted",
 *        "mode": "enforce"}             optional: "enforce" or "audit"
 *     ]
 *   }
 *
 * Every condition given in one "match" must hold; "match" names at least
 * one.  Unknown keys, wrong types, relative or unnormalised directories and
 * malformed profile names are errors naming the file, line and column.
 * Whether a named profile exists is checked when it is selected, not here:
 * profiles may be installed after the configuration.
 */
#ifndef PALISADE_CONF_H
#define PALISADE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "palisade/error.h"

#define PAL_CONF_ENV "PALISADE_CONFIG"
#define PAL_CONF_MAX_SIZE (1u << 20)
#define PAL_DEFAULT_STATE_DIR "/run/palisade"
#define PAL_DEFAULT_BPF_DIR "/sys/fs/bpf/palisade"
#define PAL_DEFAULT_VIOLATIONS_LOG "/var/log/palisade/violations.log"
#define PAL_DEFAULT_LOG_MAX_BYTES (10u << 20)
#define PAL_DEFAULT_LOG_KEEP 5
#define PAL_DEFAULT_PROFILE "default"
#define PAL_ETC_PROFILE_DIR "/etc/palisade/profiles"

/* One "selection" rule.  A NULL string condition is absent. */
struct pal_selection_rule {
	char *kube_namespace;   /* Kubernetes namespace equals */
	char *image_prefix;     /* image name starts with */
	char *image_not_prefix; /* image name unknown or does not start with */
	char **ann_keys;        /* spec annotation ann_keys[i] equals ann_values[i] */
	char **ann_values;
	size_t n_ann;
	char *profile; /* well-formed profile name */
	char *mode;    /* "enforce", "audit" or NULL (the profile's own) */
};

enum pal_autostart {
	PAL_AUTOSTART_START = 0,
	PAL_AUTOSTART_REFUSE,
	PAL_AUTOSTART_OFF,
};

struct pal_monitor_conf {
	char *log;      /* absolute */
	uint64_t log_max_bytes;
	unsigned log_keep;
	bool syslog;
	char *metrics;  /* absolute, NULL: STATE_DIR/metrics.prom */
	enum pal_autostart autostart;
};

struct pal_conf {
	char *path;      /* file read, or NULL when defaults were used */
	char *runtime;   /* absolute path of the backend */
	char *state_dir; /* absolute */
	char *bpf_dir;   /* absolute: BPF pins (bpf.h) */
	struct pal_monitor_conf monitor;
	/* Absolute, normalised.  A struct filled by hand may leave these zero:
	 * the profile loader then uses the defaults above. */
	char **profile_dirs;
	size_t n_profile_dirs;
	char *default_profile; /* NULL: PAL_DEFAULT_PROFILE */
	struct pal_selection_rule *rules;
	size_t n_rules;
};

int pal_conf_load(struct pal_conf *conf, pal_error *err);
void pal_conf_free(struct pal_conf *conf);

/* The built-in profile directories, NULL-terminated. */
extern const char *const pal_default_profile_dirs[];

#endif
