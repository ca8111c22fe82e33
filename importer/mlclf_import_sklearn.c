
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Placeholder until the sklearn parser lands (issue 12): refuses every file.
 */


#include "mlclf_import.h"


int
mlclf_import_sklearn(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err)
{
    (void) buf;
    (void) len;

    return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                             "the sklearn importer is not built yet");
}
