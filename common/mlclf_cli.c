
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The registry root of the CLIs: option first, then environment
 * (mlclf_cli.h).
 */


#include <stdlib.h>

#include <mlclf_cli.h>


const char *
mlclf_cli_registry(const char *opt)
{
    const char  *env;

    if (opt != NULL) {
        return opt;
    }

    env = getenv(MLCLF_CLI_REGISTRY_ENV);

    return (env != NULL && env[0] != '\0') ? env : NULL;
}
