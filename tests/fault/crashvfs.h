/* crashvfs.h - a SQLite VFS shim for the lost-writes crash tests: every write
 * since a file's last xSync stays in memory (reads see it), as in an OS page
 * cache; xSync puts it on disk.  crashvfs_crash() is the power failure: what
 * was not synced is gone, and every later write, sync, truncate or delete is
 * dropped (the process is dead; its remaining calls only unwind).  The idea is
 * SQLite's own crash tests' (src/test6.c). */
#ifndef LINLI_TESTS_CRASHVFS_H
#define LINLI_TESTS_CRASHVFS_H

/* Register the shim over the default VFS as the new default.  0 on success. */
int crashvfs_register(void);

/* Crash when the Nth write or sync from now is issued (0: never). */
void crashvfs_crash_at(unsigned long n);

/* Crash now. */
void crashvfs_crash(void);

/* 1 once crashed. */
int crashvfs_crashed(void);

/* After every connection is closed: forget the crash (the "reboot"); the
 * caller deletes the -shm files, which do not survive a power failure. */
void crashvfs_reset(void);

/* Writes and syncs seen since registering (to choose crash points). */
unsigned long crashvfs_ops(void);

#endif
