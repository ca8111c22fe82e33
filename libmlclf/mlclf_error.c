
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Error codes to text, and the caller-owned error report.
 */


#include <stdarg.h>
#include <stdio.h>

#include "mlclf.h"


const char *
mlclf_strerror(int code)
{
    switch (code) {

    case MLCLF_OK:
        return "success";
    case MLCLF_ENOMEM:
        return "out of memory";
    case MLCLF_EIO:
        return "input/output error";
    case MLCLF_EINVAL:
        return "invalid argument";
    case MLCLF_ETRUNCATED:
        return "truncated file";
    case MLCLF_EMAGIC:
        return "not an mlclf model file";
    case MLCLF_EVERSION:
        return "unsupported format version";
    case MLCLF_EHEADER:
        return "bad header";
    case MLCLF_EHEADERCRC:
        return "header checksum mismatch";
    case MLCLF_EPAYLOADCRC:
        return "payload checksum mismatch";
    case MLCLF_ESECTION:
        return "bad section table";
    case MLCLF_EBOUNDS:
        return "section out of bounds";
    case MLCLF_ESTRINGS:
        return "bad string table";
    case MLCLF_ENONFINITE:
        return "non-finite parameter";
    case MLCLF_EFEATURE:
        return "feature index out of range";
    case MLCLF_ETREE:
        return "tree index out of range";
    case MLCLF_ETREECYCLE:
        return "tree child does not follow its parent";
    case MLCLF_EKIND:
        return "unsupported model kind";
    case MLCLF_EMETADATA:
        return "bad metadata";
    case MLCLF_EREQUEST:
        return "bad request";
    case MLCLF_ESPACE:
        return "buffer too small";
    case MLCLF_ELEAF:
        return "leaf is not a class distribution";
    case MLCLF_ETOOBIG:
        return "file too large";
    case MLCLF_ELINK:
        return "bad gbt link";
    case MLCLF_EDECISION:
        return "bad node decision";
    case MLCLF_EOUTPUT:
        return "tree adds to no output";
    case MLCLF_EINPUT:
        return "bad model input";
    case MLCLF_ECOVER:
        return "bad node cover";
    case MLCLF_ENOEXPLAIN:
        return "model cannot explain";
    case MLCLF_EDRIFT:
        return "bad reference distributions";
    case MLCLF_ENODRIFT:
        return "model has no reference distributions";
    default:
        return "unknown error";
    }
}


int
mlclf_err_is_damage(int code)
{
    switch (code) {

    case MLCLF_ETRUNCATED:
    case MLCLF_EMAGIC:
    case MLCLF_EVERSION:
    case MLCLF_EHEADER:
    case MLCLF_EHEADERCRC:
    case MLCLF_EPAYLOADCRC:
    case MLCLF_ESECTION:
    case MLCLF_EBOUNDS:
    case MLCLF_ESTRINGS:
    case MLCLF_ENONFINITE:
    case MLCLF_EFEATURE:
    case MLCLF_ETREE:
    case MLCLF_ETREECYCLE:
    case MLCLF_EKIND:
    case MLCLF_EMETADATA:
    case MLCLF_ELEAF:
    case MLCLF_ETOOBIG:
    case MLCLF_ELINK:
    case MLCLF_EDECISION:
    case MLCLF_EOUTPUT:
    case MLCLF_EINPUT:
    case MLCLF_ECOVER:
    case MLCLF_EDRIFT:
        return 1;

    default:
        return 0;
    }
}


int
mlclf_err_set(mlclf_err_t *err, int code, const char *fmt, ...)
{
    va_list  ap;

    if (err == NULL) {
        return code;
    }

    err->code = code;
    err->msg[0] = '\0';

    if (fmt != NULL) {
        va_start(ap, fmt);
        (void) vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }

    if (err->msg[0] == '\0') {
        (void) snprintf(err->msg, sizeof(err->msg), "%s",
                        mlclf_strerror(code));
    }

    return code;
}


const char *
mlclf_reason_name(mlclf_reason_e reason)
{
    switch (reason) {

    case MLCLF_REASON_NONE:
    case MLCLF_REASON_N:
        break;
    case MLCLF_REASON_BAD_JSON:
        return "bad_json";
    case MLCLF_REASON_BAD_SHAPE:
        return "bad_shape";
    case MLCLF_REASON_UNKNOWN_FEATURE:
        return "unknown_feature";
    case MLCLF_REASON_MISSING_FEATURE:
        return "missing_feature";
    case MLCLF_REASON_DUPLICATE_FEATURE:
        return "duplicate_feature";
    case MLCLF_REASON_MISSING_VALUE:
        return "missing_value";
    case MLCLF_REASON_NOT_A_NUMBER:
        return "not_a_number";
    case MLCLF_REASON_NON_FINITE:
        return "non_finite";
    case MLCLF_REASON_TOO_MANY_ROWS:
        return "too_many_rows";
    case MLCLF_REASON_EMPTY_BATCH:
        return "empty_batch";
    case MLCLF_REASON_EMPTY_BODY:
        return "empty_body";
    case MLCLF_REASON_TOO_DEEP:
        return "too_deep";
    case MLCLF_REASON_NOT_A_STRING:
        return "not_a_string";
    case MLCLF_REASON_BAD_TEXT:
        return "bad_text";
    case MLCLF_REASON_TEXT_TOO_LONG:
        return "text_too_long";
    case MLCLF_REASON_UNKNOWN_CATEGORY:
        return "unknown_category";
    case MLCLF_REASON_BAD_TENSOR:
        return "bad_tensor";
    case MLCLF_REASON_CANNOT_EXPLAIN:
        return "cannot_explain";
    case MLCLF_REASON_METHOD_NOT_ALLOWED:
        return "method_not_allowed";
    case MLCLF_REASON_UNSUPPORTED_MEDIA_TYPE:
        return "unsupported_media_type";
    case MLCLF_REASON_NO_MODEL:
        return "no_model";
    case MLCLF_REASON_BODY_TOO_LARGE:
        return "body_too_large";
    case MLCLF_REASON_INTERNAL:
        return "internal";
    case MLCLF_REASON_OTHER:
        return "other";
    }

    return "";
}
