
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * SHA-256 (common/mlclf_sha256.c) against the FIPS 180-2 vectors, plus every
 * length from 0 to 199 bytes (all the padding cases) checked through one
 * digest of the concatenated hex digests, computed with Python hashlib.
 */


#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <mlclf_sha256.h>


static void
check(const void *data, size_t len, const char *want, const char *name)
{
    char     hex[65];
    uint8_t  md[32];

    mlclf_sha256(data, len, md);
    mlclf_sha256_hex(md, hex);
    is_str(hex, want, "sha256(%s)", name);
}


static const char  *test_end;
static int          test_ordered;
static const size_t test_steps[] = { 1000000, 999999, 4096, 64, 7 };


/* a part read: it must start where the last one ended */
static void
test_after(const char *from, const char *to)
{
    test_ordered &= from == test_end && to > from;
    test_end = to;
}


int
main(void)
{
    char     *buf, *cat;
    char      hex[65];
    size_t    n, i;
    uint8_t   md[32], *b;

    tap_diag("FIPS 180-2 vectors");

    check("abc", 3,
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          "\"abc\"");

    check("", 0,
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "\"\"");

    check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
          "448-bit message");

    buf = malloc(1000000);
    if (buf == NULL) {
        return 1;
    }

    memset(buf, 'a', 1000000);
    check(buf, 1000000,
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
          "1,000,000 x 'a'");

    /* in parts: the same digest, the parts given back in order */
    for (i = 0; i < sizeof(test_steps) / sizeof(test_steps[0]); i++) {
        test_end = buf;
        test_ordered = 1;
        mlclf_sha256_parts(buf, 1000000, test_steps[i], test_after, md);
        mlclf_sha256_hex(md, hex);
        is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
                    "f1809a48a497200e046d39ccc7112cd0",
               "1,000,000 x 'a' in parts of %zu", test_steps[i]);
        ok(test_ordered && test_end == buf + 1000000,
           "parts of %zu: each given back, in order, to the end",
           test_steps[i]);
    }

    free(buf);

    cat = malloc(200 * 64 + 1);
    b = malloc(200);
    if (cat == NULL || b == NULL) {
        return 1;
    }

    for (n = 0; n < 200; n++) {
        for (i = 0; i < n; i++) {
            b[i] = (uint8_t) ((i * 7 + n) % 251);
        }

        mlclf_sha256(b, n, md);
        mlclf_sha256_hex(md, cat + n * 64);
    }

    check(cat, 200 * 64,
          "cf88000364b5df373455d1fe17e2041eda811f8bce179cf2970ef04ab38d1d15",
          "lengths 0..199");

    free(cat);
    free(b);

    /* hex of a known digest, all nibbles */
    for (i = 0; i < 32; i++) {
        md[i] = (uint8_t) (i * 8 + 7);
    }

    mlclf_sha256_hex(md, hex);
    is_str(hex, "070f171f272f373f474f575f676f777f"
                "878f979fa7afb7bfc7cfd7dfe7eff7ff", "hex digits");

    return tap_done();
}
