/*
 * maint: drivewayd backup and restore (see maint.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server/maint.h"
#include "server/store.h"

int maint_is_command(int argc, char **argv)
{
	return argc > 1 && (strcmp(argv[1], "backup") == 0 || strcmp(argv[1], "restore") == 0);
}

/* msg says what is wrong, with arg quoted when not NULL. */
static int usage(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "drivewayd %s: %s", cmd, msg);
	if (arg)
		fprintf(stderr, " '%s'", arg);
	fprintf(stderr, "\nusage: drivewayd backup [--db PATH] FILE\n"
	                "       drivewayd restore [--db PATH] [--force] FILE\n");
	return 2;
}

static int backup(const char *db, const char *file)
{
	struct dw_error err = {0};
	struct store *st = NULL;
	struct stat sb;
	int rc;

	/* store_open would create an empty database: a backup of nothing is a mistake */
	if (strncmp(db, "file:", 5) != 0 && stat(db, &sb) != 0) {
		fprintf(stderr, "drivewayd backup: cannot read database '%s': %s\n", db,
		        strerror(errno));
		return 1;
	}
	rc = store_open(db, &st, &err);
	if (!rc)
		rc = store_backup(st, file, &err);
	store_close(st);
	if (rc) {
		fprintf(stderr, "drivewayd backup: %s\n", err.message);
		return 1;
	}
	fprintf(stderr, "drivewayd: backup of '%s' written to %s\n", db, file);
	return 0;
}

static int restore(const char *db, const char *file, int force)
{
	struct dw_error err = {0};
	struct stat sb;

	if (stat(file, &sb) != 0) {
		fprintf(stderr, "drivewayd restore: cannot read backup '%s': %s\n", file,
		        strerror(errno));
		return 1;
	}
	if (!force && stat(db, &sb) == 0) {
		fprintf(stderr,
		        "drivewayd restore: refusing to overwrite existing database '%s' "
		        "(stop drivewayd, then use --force)\n",
		        db);
		return 1;
	}
	if (store_restore(file, db, &err)) {
		fprintf(stderr, "drivewayd restore: %s\n", err.message);
		return 1;
	}
	fprintf(stderr, "drivewayd: '%s' restored from %s\n", db, file);
	return 0;
}

int maint_main(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_FORCE };
	static const struct option opts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {NULL, 0, NULL, 0},
	};
	const char *cmd = argv[1], *db = getenv("DRIVEWAY_DB");
	int c, force = 0;

	if (!db || !*db)
		db = "./driveway.db";
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			db = optarg;
			break;
		case OPT_FORCE:
			if (strcmp(cmd, "restore") != 0)
				return usage(cmd, "unknown option", "--force");
			force = 1;
			break;
		case ':':
			return usage(cmd, "option needs a value:", argv[optind - 1]);
		default:
			return usage(cmd, "unknown option", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage(cmd, optind < argc ? "expected one FILE" : "no FILE given", NULL);
	if (!*db || !*argv[optind])
		return usage(cmd, "empty path", NULL);
	if (strcmp(cmd, "backup") == 0)
		return backup(db, argv[optind]);
	return restore(db, argv[optind], force);
}
