/* keyfile.c - the identity key on disk.  Written once, atomically: a temp file
 * in the same directory (O_EXCL, mode 0600), fsync, link into place (which,
 * unlike rename, refuses to replace an existing key), fsync the directory.
 * Read back only if nobody but the owner can read it. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write all of buf, retrying on EINTR and short writes. */
static int write_all(int fd, const char *buf, size_t len) {
  while (len) {
    ssize_t w = write(fd, buf, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    len -= (size_t)w;
  }
  return 0;
}

/* fsync the directory holding path so the new name survives a power cut. */
static int fsync_dir_of(const char *path) {
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (!slash) {
    strcpy(dir, ".");
  } else if (slash == path) {
    strcpy(dir, "/");
  } else {
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = fsync(fd);
  close(fd);
  return r;
}

/* Create path (mode 0600) holding kp; CM_ERR_EXISTS if there is one. */
cm_rc cm_keyfile_write(const char *path, const proto_keypair *kp, cm_err *err) {
  cm_rc rc = CM_OK;
  char text[PROTO_KEYFILE_MAX];
  char tmp[PATH_MAX];
  size_t len = 0;
  int fd = -1, tmp_made = 0;

  if (!path || !kp) return cm_errf(err, CM_ERR_INVALID, "密钥文件：没有给出路径或密钥");
  if (access(path, F_OK) == 0) {
    rc =
        cm_errf(err, CM_ERR_EXISTS, "%s 已存在；不会覆盖身份密钥", path);
    goto out;
  }
  int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%08x", path, (long)getpid(),
                   (unsigned)randombytes_random());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    rc = cm_errf(err, CM_ERR_INVALID, "密钥文件路径太长：%s", path);
    goto out;
  }
  rc = proto_keyfile_format(kp, text, sizeof text, &len);
  if (rc) {
    cm_errf(err, rc, "无法写出密钥：%s", cm_strerror(rc));
    goto out;
  }
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    rc = cm_errf(err, CM_ERR_IO,
                 "无法创建 %s：%s；请检查目录是否存在、是否可写",
                 tmp, strerror(errno));
    goto out;
  }
  tmp_made = 1;
  /* The umask cannot widen 0600, but a strange one could narrow it to 0400
   * or less; make the mode exact. */
  if (fchmod(fd, 0600) != 0 || write_all(fd, text, len) != 0 || fsync(fd) != 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", tmp, strerror(errno));
    goto out;
  }
  if (close(fd) != 0) {
    fd = -1;
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", tmp, strerror(errno));
    goto out;
  }
  fd = -1;
  if (link(tmp, path) != 0) {
    if (errno == EEXIST) {
      rc = cm_errf(err, CM_ERR_EXISTS, "%s 已存在；不会覆盖身份密钥",
                   path);
      goto out;
    }
    /* Filesystems without hard links: rename after the check above. */
    if (rename(tmp, path) != 0) {
      rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", path, strerror(errno));
      goto out;
    }
    tmp_made = 0;
  }
  if (fsync_dir_of(path) != 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法把 %s 所在目录写入磁盘：%s", path, strerror(errno));
    goto out;
  }
out:
  if (fd >= 0) close(fd);
  if (tmp_made) unlink(tmp);
  sodium_memzero(text, sizeof text);
  return rc;
}

/* Read path into kp_out; refuses a file that group or others can read. */
cm_rc cm_keyfile_read(const char *path, proto_keypair *kp_out, cm_err *err) {
  cm_rc rc = CM_OK;
  char text[PROTO_KEYFILE_MAX + 1];
  size_t len = 0;
  int fd = -1;
  struct stat st;

  if (!path || !kp_out) return cm_errf(err, CM_ERR_INVALID, "密钥文件：没有给出路径");
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      rc = cm_errf(err, CM_ERR_KEYFILE, "密钥文件 %s 不存在；请先运行 init", path);
    else
      rc = cm_errf(err, CM_ERR_KEYFILE, "无法打开密钥文件 %s：%s", path, strerror(errno));
    goto out;
  }
  if (fstat(fd, &st) != 0) {
    rc = cm_errf(err, CM_ERR_KEYFILE, "无法读取密钥文件 %s 的属性：%s", path, strerror(errno));
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    rc = cm_errf(err, CM_ERR_KEYFILE, "密钥文件 %s 不是普通文件", path);
    goto out;
  }
  if (st.st_mode & 0077) {
    rc = cm_errf(err, CM_ERR_KEYFILE,
                 "密钥文件 %s 其他用户也能读取（权限 %03o）；请运行：chmod 600 %s", path,
                 (unsigned)(st.st_mode & 0777), path);
    goto out;
  }
  while (len < sizeof text) {
    ssize_t r = read(fd, text + len, sizeof text - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      rc = cm_errf(err, CM_ERR_KEYFILE, "无法读取密钥文件 %s：%s", path, strerror(errno));
      goto out;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  if (len > PROTO_KEYFILE_MAX) {
    rc = cm_errf(err, CM_ERR_KEYFILE, "密钥文件 %s 太长，不是 linli 的密钥", path);
    goto out;
  }
  rc = proto_keyfile_parse(text, len, kp_out, err);
  if (rc && err) {
    /* Say which file; the parser's text never contains the secret. */
    char inner[sizeof err->msg];
    memcpy(inner, err->msg, sizeof inner);
    cm_errf(err, CM_ERR_KEYFILE, "密钥文件 %s：%s", path, inner);
  }
  if (rc) rc = CM_ERR_KEYFILE;
out:
  if (fd >= 0) close(fd);
  sodium_memzero(text, sizeof text);
  return rc;
}
