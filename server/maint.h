/*
 * maint: drivewayd's maintenance subcommands, run instead of the server:
 *
 *   drivewayd backup [--db PATH] FILE            a consistent copy of the database in FILE,
 *                                                while another drivewayd may serve it
 *   drivewayd restore [--db PATH] [--force] FILE  FILE (integrity-checked first) becomes the
 *                                                database; refused when it exists, unless
 *                                                --force (drivewayd must be stopped)
 *
 * --db defaults to DRIVEWAY_DB, then ./driveway.db, as for the server.
 */
#ifndef DW_MAINT_H
#define DW_MAINT_H

/* 1 when argv names a subcommand (argv[1] is "backup" or "restore"). */
int maint_is_command(int argc, char **argv);
/* Runs it; returns the exit status: 0, 1 when it failed, 2 on a usage error. */
int maint_main(int argc, char **argv);

#endif
