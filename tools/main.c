/* main.c: the c1d command line tool: dispatch to the subcommands, usage,
 * version, `c1d info`, and the process-level rules: exit 0 on success, 2 for
 * a command line that cannot be parsed, 1 for every other failure, with
 * exactly one line on stderr; never killed by SIGPIPE or SIGXFSZ (writes then
 * fail with EPIPE or EFBIG and are reported). */
#include "blas_control.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

static const char usage_text[] =
    "usage: c1d run --config CONFIG.json --kernel KERNEL.npy [--bias BIAS.npy] --input INPUT.npy\n"
    "               --output OUTPUT.npy [--threads N]\n"
    "       c1d config CONFIG.json\n"
    "       c1d info\n"
    "       c1d --help | --version\n"
    "\n"
    "Runs one Keras Conv1D layer (Keras 3 semantics) with c1d " C1D_VERSION_STRING ".\n"
    "\n"
    "  run     CONFIG.json  the layer's Keras config: get_config(), or the {\"class_name\": \"Conv1D\",\n"
    "                       \"config\": ...} entry of a Keras 3 or tf.keras 2 model\n"
    "          KERNEL.npy   (kernel_size, in_channels / groups, filters)\n"
    "          BIAS.npy     (filters,), given exactly when the config has use_bias true\n"
    "          INPUT.npy    (batch, steps, channels) for channels_last,\n"
    "                       (batch, channels, steps) for channels_first\n"
    "          OUTPUT.npy   float32, the shape Keras outputs; replaced only when the run succeeds\n"
    "          --threads N  threads for the whole run, BLAS included (1 to 1024; default: the BLAS's,\n"
    "                       from OPENBLAS_NUM_THREADS or the core count; BLIS builds: BLIS_NUM_THREADS or 1)\n"
    "          .npy inputs may be float32 or float64 (rounded to float32, as Keras casts its inputs),\n"
    "          little- or big-endian, C or Fortran order.\n"
    "  config  prints the layer's Keras 3 get_config() JSON with every default filled in\n"
    "  info    prints the c1d version, the BLAS, the kernel ISA and the BLAS thread count\n"
    "\n"
    "Exit status: 0 success, 1 failure (one line on stderr), 2 command line error.\n";

c1d_status cli_print_usage(void) { return cli_stdout_write(usage_text); }

static bool stdout_used;  /* something was written to stdout */
static int stdout_errno;  /* errno of the first failed stdout write; 0 if none */

c1d_status cli_stdout_write(const char *text) {
    stdout_used = true;
    if (!stdout_errno && fputs(text, stdout) == EOF) stdout_errno = errno ? errno : EIO;
    if (stdout_errno) return cli_fail(C1D_IO, "stdout: write failed: %s", strerror(stdout_errno));
    return C1D_OK;
}

c1d_status cli_stdout_finish(void) {
    if (!stdout_errno && fflush(stdout) != 0) stdout_errno = errno ? errno : EIO;
    if (!stdout_errno && ferror(stdout)) stdout_errno = EIO;
    if (fclose(stdout) != 0 && !stdout_errno) stdout_errno = errno ? errno : EIO;
    if (stdout_errno) return cli_fail(C1D_IO, "stdout: write failed: %s", strerror(stdout_errno));
    return C1D_OK;
}

/* OpenBLAS's description ends with a space. */
static c1d_status write_trimmed(const char *label, const char *text) {
    char line[512];
    snprintf(line, sizeof line, "%s%s", label, text ? text : "(unknown)");
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\n')) line[--n] = '\0';
    c1d_status st = cli_stdout_write(line);
    return st ? st : cli_stdout_write("\n");
}

c1d_status cli_cmd_info(int argc, char **argv) {
    if (argc > 0) {
        if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) return cli_print_usage();
        return cli_usage("info: unexpected argument '%s' (usage: c1d info)", argv[0]);
    }
    char threads[32];
    snprintf(threads, sizeof threads, "%d", blas_control_threads());
    c1d_status st;
    if ((st = write_trimmed("c1d ", c1d_version()))) return st;
    char blas[256];
    blas_control_describe(blas, sizeof blas);
    if ((st = write_trimmed("BLAS: ", blas))) return st;
    if ((st = write_trimmed("BLAS core: ", blas_control_core()))) return st;
    if ((st = write_trimmed("kernel ISA: ", c1d_isa()))) return st;
    return write_trimmed("threads: ", threads);
}

/* A closed stdin, stdout or stderr would be handed to the next open() and
 * the output file could then receive error messages. Placeholders keep the
 * numbers taken: stdout's is read-only, so printing to a closed stdout still
 * fails (and is reported) instead of vanishing. */
static void keep_standard_fds(void) {
    static const int flags[3] = {O_RDONLY, O_RDONLY, O_WRONLY};
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int f = open("/dev/null", flags[fd]);
        if (f >= 0 && f != fd) close(f);
    }
}

/* Prints the recorded failure as one line: control characters (a newline
 * in a file name) become '?'. */
static void report(void) {
    char line[sizeof "c1d: " + 10240];
    snprintf(line, sizeof line, "c1d: %s", cli_last_error());
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F) *p = '?';
    fprintf(stderr, "%s\n", line);
}

int main(int argc, char **argv) {
    keep_standard_fds();
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);

    c1d_status st;
    const char *cmd = argc > 1 ? argv[1] : NULL;
    if (!cmd) {
        st = cli_usage("missing command: run, config or info (see c1d --help)");
    } else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        st = argc > 2 ? cli_usage("unexpected argument '%s' after %s", argv[2], cmd) : cli_print_usage();
    } else if (strcmp(cmd, "--version") == 0) {
        st = argc > 2 ? cli_usage("unexpected argument '%s' after --version", argv[2])
                      : cli_stdout_write("c1d " C1D_VERSION_STRING "\n");
    } else if (strcmp(cmd, "run") == 0) {
        st = cli_cmd_run(argc - 2, argv + 2);
    } else if (strcmp(cmd, "config") == 0) {
        st = cli_cmd_config(argc - 2, argv + 2);
    } else if (strcmp(cmd, "info") == 0) {
        st = cli_cmd_info(argc - 2, argv + 2);
    } else {
        st = cli_usage("unknown command '%s': expected run, config or info (see c1d --help)", cmd);
    }
    /* Only a command that printed is answerable for stdout (a closed stdout
     * does not fail `c1d run`). */
    if (!st && stdout_used) st = cli_stdout_finish();
    if (!st) return CLI_EXIT_OK;
    report();
    return cli_last_error_is_usage() ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}
