/* privdir.c - directory 0700, files 0600 (privdir.h). */
#include "privdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

cm_rc cm_privdir(const char *dir, cm_err *err) {
  struct stat sb;
  umask(077);
  if (stat(dir, &sb) != 0)
    return cm_errf(err, CM_ERR_IO, "无法读取 %s：%s", dir, strerror(errno));
  if ((sb.st_mode & 07777) != 0700 && chmod(dir, 0700) != 0)
    return cm_errf(err, CM_ERR_IO, "无法把 %s 设为仅本用户可用（权限 0700）：%s", dir, strerror(errno));
  DIR *d = opendir(dir);
  if (!d) return cm_errf(err, CM_ERR_IO, "无法列出 %s：%s", dir, strerror(errno));
  cm_rc rc = CM_OK;
  struct dirent *e;
  while (!rc && (e = readdir(d)) != NULL) {
    char path[4096];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
    if ((sb.st_mode & 07777) != 0600 && chmod(path, 0600) != 0)
      rc = cm_errf(err, CM_ERR_IO, "无法把 %s 设为仅本用户可读写（权限 0600）：%s", path,
                   strerror(errno));
  }
  closedir(d);
  return rc;
}

int cm_dir_empty(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT;
  struct dirent *de;
  int empty = 1;
  while ((de = readdir(d)))
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) empty = 0;
  closedir(d);
  return empty;
}
