
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The model name check shared by the module, the registry and the
 * trainer (mlclf.h).
 */


#include <mlclf.h>


int
mlclf_model_name_check(const char *name, size_t len)
{
    size_t  i;

    if (name == NULL || len == 0 || len > MLCLF_MODEL_NAME_MAX) {
        return MLCLF_EINVAL;
    }

    for (i = 0; i < len; i++) {
        if (!((name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= '0' && name[i] <= '9')
              || name[i] == '_' || name[i] == '-'))
        {
            return MLCLF_EINVAL;
        }
    }

    return MLCLF_OK;
}
