/* privdir.h - a node or hub directory is private: the directory 0700 and every
 * file in it 0600.  Its databases hold leaders' names and phone numbers, not
 * only its key, so nothing in it is for the PC's other users. */
#ifndef LINLI_COMMON_PRIVDIR_H
#define LINLI_COMMON_PRIVDIR_H

#include "rc.h"

/* Set this process's umask to 077 (everything it creates later is private),
 * then make dir 0700 and every regular file directly in it 0600 (symbolic
 * links are left alone).  CM_ERR_IO when a mode cannot be changed (a file of
 * another user). */
cm_rc cm_privdir(const char *dir, cm_err *err);

/* 1 when dir is missing or holds nothing (a restore or a key import goes only
 * into such a directory), else 0. */
int cm_dir_empty(const char *dir);

#endif
