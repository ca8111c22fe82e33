
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The --version line of the CLIs.
 */


#ifndef _MLCLF_VERSION_H_INCLUDED_
#define _MLCLF_VERSION_H_INCLUDED_


#include <stdio.h>


/*
 * "<tool> <release> (model format <N>)" and a newline on f: the release
 * of mlclf.h and the newest model file format this build reads and
 * writes (mlclf_format.h).
 */
void mlclf_version_print(FILE *f, const char *tool);


#endif /* _MLCLF_VERSION_H_INCLUDED_ */
