/* keras_config.c: `c1d config`, and reading a config file for `c1d run`.
 * The JSON is only ever interpreted by the library's Keras config parser. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

c1d_status cli_config_load(const char *path, c1d_keras_config **config) {
    char *text;
    size_t length;
    c1d_status st = cli_file_slurp(path, CLI_CONFIG_MAX_BYTES, &text, &length);
    if (st) return st;
    st = c1d_keras_config_parse(text, length, config);
    free(text);
    if (st) return cli_fail(st, "%s: %s", path, c1d_last_error());
    return C1D_OK;
}

c1d_status cli_cmd_config(int argc, char **argv) {
    if (argc < 1) return cli_usage("config: missing CONFIG.json (usage: c1d config CONFIG.json)");
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) return cli_print_usage();
    if (argv[0][0] == '-' && argv[0][1] != '\0')
        return cli_usage("config: unknown option '%s' (a file name starting with '-' is written ./%s)", argv[0],
                         argv[0]);
    if (argc > 1) return cli_usage("config: unexpected argument '%s' (usage: c1d config CONFIG.json)", argv[1]);
    if (argv[0][0] == '\0') return cli_usage("config: empty file name");
    c1d_keras_config *config;
    c1d_status st = cli_config_load(argv[0], &config);
    if (st) return st;
    char *json = NULL;
    st = c1d_keras_config_to_json(config, &json);
    c1d_keras_config_destroy(config);
    if (st) return cli_fail(st, "%s: %s", argv[0], c1d_last_error());
    st = cli_stdout_write(json);
    if (!st) st = cli_stdout_write("\n");
    c1d_json_free(json);
    return st;
}
