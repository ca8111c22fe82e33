
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the command lines of mlclf-train, mlclf-import and
 * mlclf-registry share: the name of the registry root option and its
 * environment variable.
 */


#ifndef _MLCLF_CLI_H_INCLUDED_
#define _MLCLF_CLI_H_INCLUDED_


/* The environment variable that names the registry when no option does. */
#define MLCLF_CLI_REGISTRY_ENV  "MLCLF_REGISTRY"


/*
 * The registry root: opt (--registry DIR) if given, even empty (the
 * caller refuses that), else the value of $MLCLF_REGISTRY if set and
 * not empty, else NULL.
 */
const char *mlclf_cli_registry(const char *opt);


#endif /* _MLCLF_CLI_H_INCLUDED_ */
