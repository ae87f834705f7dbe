/* log.h - logging to standard error with levels.  Standard output is kept for a
 * command's result so that scripts can read it. */
#ifndef LINLI_COMMON_LOG_H
#define LINLI_COMMON_LOG_H

typedef enum cm_log_level { CM_LOG_DEBUG = 0, CM_LOG_INFO, CM_LOG_WARN, CM_LOG_ERROR } cm_log_level;

/* Messages below level are dropped.  Default INFO; LINLI_LOG=debug|info|warn|error
 * in the environment overrides it at the first call. */
void cm_log_set_level(cm_log_level level);

/* Write "2026-11-27T12:00:00+08:00 linli-hub WARN message\n" to stderr.
 * Thread-safe (one write per line). */
void cm_log(cm_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Program name shown in every line (default "linli"). */
void cm_log_set_program(const char *name);

#define cm_debug(...) cm_log(CM_LOG_DEBUG, __VA_ARGS__)
#define cm_info(...) cm_log(CM_LOG_INFO, __VA_ARGS__)
#define cm_warn(...) cm_log(CM_LOG_WARN, __VA_ARGS__)
#define cm_error(...) cm_log(CM_LOG_ERROR, __VA_ARGS__)

#endif
