
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The --version line of the CLIs (mlclf_version.h).
 */


#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_version.h>


void
mlclf_version_print(FILE *f, const char *tool)
{
    fprintf(f, "%s %s (model format %d)\n", tool, MLCLF_RELEASE,
            MLCLF_FORMAT_VERSION);
}
