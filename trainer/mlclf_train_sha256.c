
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * SHA-256 (FIPS 180-4) of the training data, recorded in the model
 * metadata: a portable implementation plus, on x86-64 CPUs with the SHA
 * extensions, a path through the sha256rnds2 / sha256msg instructions
 * (about 5x faster, which matters for a 500 MB CSV).
 */


#include <string.h>
#include <mlclf_train.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(MLCLF_SHA256_NO_NI)
#include <cpuid.h>
#include <immintrin.h>
#define MLCLF_SHA256_X86  1
#endif


typedef void (*mlclf_sha256_blocks_pt)(uint32_t st[8], const uint8_t *p,
    size_t n);


static void mlclf_sha256_blocks_c(uint32_t st[8], const uint8_t *p,
    size_t n);
#if (MLCLF_SHA256_X86)
static void mlclf_sha256_blocks_ni(uint32_t st[8], const uint8_t *p,
    size_t n);
static int mlclf_sha256_have_ni(void);
#endif


static const uint32_t  mlclf_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};


#define ROR(x, n)  (((x) >> (n)) | ((x) << (32 - (n))))


static void
mlclf_sha256_blocks_c(uint32_t st[8], const uint8_t *p, size_t n)
{
    int       i;
    uint32_t  w[64], a, b, c, d, e, f, g, h, t1, t2, s0, s1;

    while (n--) {
        for (i = 0; i < 16; i++) {
            w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16
                   | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
        }

        for (i = 16; i < 64; i++) {
            s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        a = st[0]; b = st[1]; c = st[2]; d = st[3];
        e = st[4]; f = st[5]; g = st[6]; h = st[7];

        for (i = 0; i < 64; i++) {
            t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25))
                 + ((e & f) ^ (~e & g)) + mlclf_sha256_k[i] + w[i];
            t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22))
                 + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }

        st[0] += a; st[1] += b; st[2] += c; st[3] += d;
        st[4] += e; st[5] += f; st[6] += g; st[7] += h;

        p += 64;
    }
}


#if (MLCLF_SHA256_X86)

static int
mlclf_sha256_have_ni(void)
{
    unsigned  a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1)) {
        return 0;
    }

    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        return 0;
    }

    return (b & (1u << 29)) != 0;   /* CPUID.(7,0):EBX.SHA */
}


/*
 * The SHA extensions keep the state as two registers, ABEF and CDGH
 * (high to low lanes); sha256rnds2 does two rounds with the message +
 * constant words in the low half of its third operand; sha256msg1/msg2
 * with one alignr give the next four schedule words.
 */

#define MLCLF_SHA_ROUNDS4(msg, ki)                                           \
    t = _mm_add_epi32(msg, _mm_loadu_si128(                                  \
                     (const __m128i *) &mlclf_sha256_k[ki]));                 \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t);                             \
    t = _mm_shuffle_epi32(t, 0x0e);                                          \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, t)

/* w0..w3 rotate: w0 becomes the schedule 16 words ahead */
#define MLCLF_SHA_SCHED(w0, w1, w2, w3)                                      \
    w0 = _mm_sha256msg1_epu32(w0, w1);                                       \
    w0 = _mm_add_epi32(w0, _mm_alignr_epi8(w3, w2, 4));                      \
    w0 = _mm_sha256msg2_epu32(w0, w3)


__attribute__((target("sha,sse4.1")))
static void
mlclf_sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t n)
{
    __m128i  abef, cdgh, abef0, cdgh0, w0, w1, w2, w3, t, bswap;
    int      i;

    bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11,
                         4, 5, 6, 7, 0, 1, 2, 3);

    /* st[0..3] = a b c d, st[4..7] = e f g h, lane 0 is the low lane */
    t = _mm_loadu_si128((const __m128i *) &st[0]);     /* d c b a */
    cdgh = _mm_loadu_si128((const __m128i *) &st[4]);  /* h g f e */
    t = _mm_shuffle_epi32(t, 0xb1);                    /* c d a b */
    cdgh = _mm_shuffle_epi32(cdgh, 0x1b);              /* e f g h */
    abef = _mm_alignr_epi8(t, cdgh, 8);                /* a b e f */
    cdgh = _mm_blend_epi16(cdgh, t, 0xf0);             /* c d g h */

    while (n--) {
        abef0 = abef;
        cdgh0 = cdgh;

        w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) p), bswap);
        w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16)),
                              bswap);
        w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 32)),
                              bswap);
        w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 48)),
                              bswap);

        MLCLF_SHA_ROUNDS4(w0, 0);
        MLCLF_SHA_ROUNDS4(w1, 4);
        MLCLF_SHA_ROUNDS4(w2, 8);
        MLCLF_SHA_ROUNDS4(w3, 12);

        for (i = 16; i < 64; i += 16) {
            MLCLF_SHA_SCHED(w0, w1, w2, w3);
            MLCLF_SHA_ROUNDS4(w0, i);
            MLCLF_SHA_SCHED(w1, w2, w3, w0);
            MLCLF_SHA_ROUNDS4(w1, i + 4);
            MLCLF_SHA_SCHED(w2, w3, w0, w1);
            MLCLF_SHA_ROUNDS4(w2, i + 8);
            MLCLF_SHA_SCHED(w3, w0, w1, w2);
            MLCLF_SHA_ROUNDS4(w3, i + 12);
        }

        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);

        p += 64;
    }

    /* back to a b c d / e f g h */
    t = _mm_shuffle_epi32(abef, 0x1b);                 /* f e b a */
    cdgh = _mm_shuffle_epi32(cdgh, 0xb1);              /* d c h g */
    abef = _mm_blend_epi16(t, cdgh, 0xf0);             /* d c b a */
    cdgh = _mm_alignr_epi8(cdgh, t, 8);                /* h g f e */

    _mm_storeu_si128((__m128i *) &st[0], abef);
    _mm_storeu_si128((__m128i *) &st[4], cdgh);
}

#endif


void
mlclf_train_sha256(const void *data, size_t len, uint8_t out[32])
{
    size_t                   nb, rest, i;
    uint8_t                  tail[128];
    uint32_t                 st[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };
    uint64_t                 bits;
    const uint8_t           *p;
    mlclf_sha256_blocks_pt   blocks;

    p = data;
    blocks = mlclf_sha256_blocks_c;

#if (MLCLF_SHA256_X86)
    if (mlclf_sha256_have_ni()) {
        blocks = mlclf_sha256_blocks_ni;
    }
#endif

    nb = len / 64;
    if (nb) {
        blocks(st, p, nb);
    }

    rest = len - nb * 64;
    memset(tail, 0, sizeof(tail));
    if (rest) {
        memcpy(tail, p + nb * 64, rest);
    }

    tail[rest] = 0x80;
    nb = (rest + 1 + 8 <= 64) ? 1 : 2;

    bits = (uint64_t) len * 8;
    for (i = 0; i < 8; i++) {
        tail[nb * 64 - 1 - i] = (uint8_t) (bits >> (8 * i));
    }

    blocks(st, tail, nb);

    for (i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t) (st[i] >> 24);
        out[4 * i + 1] = (uint8_t) (st[i] >> 16);
        out[4 * i + 2] = (uint8_t) (st[i] >> 8);
        out[4 * i + 3] = (uint8_t) st[i];
    }
}


void
mlclf_train_sha256_hex(const uint8_t digest[32], char hex[65])
{
    size_t               i;
    static const char    xd[] = "0123456789abcdef";

    for (i = 0; i < 32; i++) {
        hex[2 * i] = xd[digest[i] >> 4];
        hex[2 * i + 1] = xd[digest[i] & 0xf];
    }

    hex[64] = '\0';
}
