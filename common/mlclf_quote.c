
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Untrusted bytes quoted for messages (mlclf_quote.h).
 */


#include <stdio.h>
#include <string.h>
#include <mlclf_quote.h>


const char *
mlclf_quote(const char *s, size_t len, char *buf)
{
    size_t         i, k, n;
    unsigned char  c;

    n = len > MLCLF_QUOTE_MAX ? MLCLF_QUOTE_MAX - 3 : len;
    k = 0;

    buf[k++] = '"';

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            k += (size_t) snprintf(buf + k, MLCLF_QUOTE_LEN - k, "\\x%02x",
                                   c);

        } else {
            buf[k++] = (char) c;
        }
    }

    if (n < len) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }

    buf[k++] = '"';
    buf[k] = '\0';

    return buf;
}
