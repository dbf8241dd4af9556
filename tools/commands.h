/* commands.h: the subcommands of the c1d tool and what they share. Each
 * returns C1D_OK or the failure recorded with cli_fail / cli_usage. */
#ifndef C1D_COMMANDS_H
#define C1D_COMMANDS_H

#include "c1d.h"

/* Largest config file read (a Keras layer config is a few KiB). */
#define CLI_CONFIG_MAX_BYTES ((size_t)1 << 20)

/* `c1d run ...`: argv holds the arguments after "run". */
c1d_status cli_cmd_run(int argc, char **argv);

/* `c1d config CONFIG.json`. */
c1d_status cli_cmd_config(int argc, char **argv);

/* `c1d info`. */
c1d_status cli_cmd_info(int argc, char **argv);

/* Reads and parses a Keras Conv1D config file (free with
 * c1d_keras_config_destroy). */
c1d_status cli_config_load(const char *path, c1d_keras_config **config);

/* Prints the usage text on stdout. */
c1d_status cli_print_usage(void);

/* Writes text to stdout; the first failure is recorded and returned (and
 * reported again by cli_stdout_finish). */
c1d_status cli_stdout_write(const char *text);

/* Flushes and closes stdout, reporting a write error (a closed pipe, a full
 * disk) as C1D_IO. */
c1d_status cli_stdout_finish(void);

#endif
