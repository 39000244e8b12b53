/*
 * jsv/_jsv_text.h: reading the text, the primitives both decoders (_jsv_parse.c and
 * _jsv_typed.c) run for every character or token: whitespace, substrings, the key and
 * value caches, scanning for a delimiter, quoted tokens. They are static inline so that
 * each decoder's loops have them inlined (the untyped parser specialises them per PEP 393
 * kind).
 */
#ifndef JSV_TEXT_H
#define JSV_TEXT_H

#include "_jsv.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define CH(i) (kind == PyUnicode_1BYTE_KIND ? (Py_UCS4)((const Py_UCS1 *)data)[i]      \
               : kind == PyUnicode_2BYTE_KIND ? (Py_UCS4)((const Py_UCS2 *)data)[i]    \
                                              : ((const Py_UCS4 *)data)[i])

/* True when the n bytes at s are all ASCII. */
ALWAYS_INLINE int
all_ascii(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    uint64_t acc = 0;
    for (; i + 64 <= n; i += 64) {
        for (int k = 0; k < 64; k += 8) {
            uint64_t word;
            memcpy(&word, s + i + k, 8);
            acc |= word;
        }
        if (acc & 0x8080808080808080ull) return 0;
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, s + i, 8);
        acc |= word;
    }
    if (i < n) {
        /* the rest (the whole of a short key or value) in overlapping loads, no loop */
        if (n >= 8) {
            uint64_t word;
            memcpy(&word, s + n - 8, 8);
            acc |= word;
        }
        else if (n >= 4) {
            uint32_t head, tail;
            memcpy(&head, s, 4);
            memcpy(&tail, s + n - 4, 4);
            acc |= head | tail;
        }
        else {
            for (; i < n; i++) acc |= s[i];
        }
    }
    return (acc & 0x8080808080808080ull) == 0;
}

/* The index of the first byte >= 0x80 at or after s[i] (n if none): 32 bytes a step while
 * there is none, then 8, then one. */
ALWAYS_INLINE Py_ssize_t
first_non_ascii(const unsigned char *s, Py_ssize_t i, Py_ssize_t n)
{
    const uint64_t highs = 0x8080808080808080ull;
    for (; i + 32 <= n; i += 32) {
        uint64_t a, b, c, d;
        memcpy(&a, s + i, 8);
        memcpy(&b, s + i + 8, 8);
        memcpy(&c, s + i + 16, 8);
        memcpy(&d, s + i + 24, 8);
        if ((a | b | c | d) & highs) break;
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, s + i, 8);
        if (word & highs) break;
    }
    while (i < n && s[i] < 0x80) i++;
    return i;
}

/* The length of the valid UTF-8 sequence of a non-ASCII character at s[i] (i < n), or 0
 * where the bytes there are no such sequence, as Python's strict decoder takes it (no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
ALWAYS_INLINE Py_ssize_t
utf8_sequence(const unsigned char *s, Py_ssize_t i, Py_ssize_t n)
{
    unsigned char b = s[i];
    Py_ssize_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    }
    else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0) lo = 0xA0;
        if (b == 0xED) hi = 0x9F;
    }
    else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;
    }
    else {
        return 0;
    }
    if (i + len > n) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (Py_ssize_t k = 2; k < len; k++) {
        if ((s[i + k] & 0xC0) != 0x80) return 0;
    }
    return len;
}

/* The code point of the (valid) UTF-8 sequence whose lead byte (>= 0x80) is at d[i]. */
ALWAYS_INLINE Py_UCS4
utf8_at(const Py_UCS1 *d, Py_ssize_t i, int *len)
{
    Py_UCS1 b = d[i];
    if (b < 0xE0) {
        *len = 2;
        return ((Py_UCS4)(b & 0x1F) << 6) | (d[i + 1] & 0x3F);
    }
    if (b < 0xF0) {
        *len = 3;
        return ((Py_UCS4)(b & 0x0F) << 12) | ((Py_UCS4)(d[i + 1] & 0x3F) << 6) |
               (d[i + 2] & 0x3F);
    }
    *len = 4;
    return ((Py_UCS4)(b & 0x07) << 18) | ((Py_UCS4)(d[i + 1] & 0x3F) << 12) |
           ((Py_UCS4)(d[i + 2] & 0x3F) << 6) | (d[i + 3] & 0x3F);
}

/* The collector is paused while a document is read: the objects under construction are
 * new and cannot be garbage yet, and collections triggered by their allocations would
 * only traverse them again and again. The switch is process-wide, so it is flipped only
 * while no Python code can run: the thread holds the GIL throughout, and the collector is
 * on again around every call into Python (gc_allow()/gc_repause()), before any error is
 * raised or any object of the caller's types is released (gc_end(): for the rest of the
 * call, as finalizers run Python code). Each call keeps its own state: a collector that
 * was off stays off, and one that Python code switched off mid-call stays off. On a
 * free-threaded build other threads run at the same time: the collector is left alone. */
ALWAYS_INLINE void
gc_pause(Parser *p)
{
#ifdef Py_GIL_DISABLED
    p->gc_paused = 0;
#else
    p->gc_paused = PyGC_Disable();
#endif
}

ALWAYS_INLINE void
gc_end(Parser *p)
{
    if (p->gc_paused) {
        p->gc_paused = 0;
        PyGC_Enable();
    }
}

ALWAYS_INLINE void
gc_allow(Parser *p)
{
    if (p->gc_paused) PyGC_Enable();
}

ALWAYS_INLINE void
gc_repause(Parser *p)
{
    if (p->gc_paused && !PyGC_Disable()) p->gc_paused = 0;
}

/* The length of the whitespace character at pos (< n), or 0. */
ALWAYS_INLINE int
ws_len(Parser *p, const void *data, int kind, Py_ssize_t pos)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        const Py_UCS1 *d = data;
        if (d[pos] < 0x80) return JSV_ASCII_SPACE[d[pos]];
        /* no character (the bytes may be unchecked): a token starts here, and its strict
         * decoding reports them */
        if (utf8_sequence(d, pos, p->n) == 0) return 0;
        int len;
        Py_UCS4 c = utf8_at(d, pos, &len);
        return jsv_is_space(c) ? len : 0;
    }
    return jsv_is_space(CH(pos));
}

ALWAYS_INLINE Py_ssize_t
skip_ws(Parser *p, const void *data, int kind, Py_ssize_t pos, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        while (pos < n) {
            int len = ws_len(p, data, kind, pos);
            if (len == 0) break;
            pos += len;
        }
        return pos;
    }
    while (pos < n && jsv_is_space(CH(pos))) pos++;
    return pos;
}

ALWAYS_INLINE Py_ssize_t
rstrip_end(Parser *p, const void *data, int kind, Py_ssize_t start, Py_ssize_t end)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        const Py_UCS1 *d = data;
        while (end > start) {
            if (d[end - 1] < 0x80) {
                if (!JSV_ASCII_SPACE[d[end - 1]]) break;
                end--;
                continue;
            }
            Py_ssize_t j = end - 1;
            while (j > start && (d[j] & 0xC0) == 0x80) j--;
            if (utf8_sequence(d, j, end) != end - j) break; /* left to the token's decoding */
            int len;
            if (!jsv_is_space(utf8_at(d, j, &len))) break;
            end = j;
        }
        return end;
    }
    while (end > start && jsv_is_space(CH(end - 1))) end--;
    return end;
}

/* Whether doc[start:end] holds UTF-8 beyond ASCII (in a document parsed from bytes).
 * Tokens come mostly in document order, and non-ASCII bytes are mostly rare: the parser
 * keeps the position of the first one at or after a point it has passed (p->wide_at,
 * found from p->wide_from), so that a token before it is known to be ASCII without
 * reading it, and each byte is read about once for the whole document. */
ALWAYS_INLINE int
utf8_beyond_ascii(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    if (kind != PyUnicode_1BYTE_KIND || !p->utf8) return 0;
    if (UNLIKELY(start < p->wide_from)) {
        /* behind the point (a map read again): its own bytes */
        return !all_ascii((const unsigned char *)p->data + start, end - start);
    }
    if (p->wide_at < start) {
        p->wide_from = start;
        p->wide_at = first_non_ascii((const unsigned char *)p->data, start, p->n);
    }
    return p->wide_at < end;
}

/* A new str of doc[start:end], whose bytes are known to be UTF-8 beyond ASCII or not
 * (utf8_beyond_ascii()): each token's bytes are read once for it. */
ALWAYS_INLINE PyObject *
substring_known(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end, int beyond_ascii)
{
    if (beyond_ascii) {
        PyObject *s = PyUnicode_DecodeUTF8((const char *)p->data + start, end - start, "strict");
        return s != NULL ? s : jsv_parser_token_not_utf8(p);
    }
    if (kind == PyUnicode_1BYTE_KIND && (p->ascii || p->utf8)) {
        if (end - start <= 1) {
            if (end == start) return PyUnicode_New(0, 0);
            return PyUnicode_FromOrdinal(((const Py_UCS1 *)p->data)[start]);
        }
        PyObject *s = PyUnicode_New(end - start, 127);
        if (s == NULL) return NULL;
        memcpy(PyUnicode_1BYTE_DATA(s), (const Py_UCS1 *)p->data + start, end - start);
        return s;
    }
    return PyUnicode_Substring(p->doc, start, end);
}

/* A new str of doc[start:end]. */
ALWAYS_INLINE PyObject *
substring(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    return substring_known(p, kind, start, end, utf8_beyond_ascii(p, kind, start, end));
}

/* Little-endian load of n <= 8 bytes. */
ALWAYS_INLINE uint64_t
load_bytes(const unsigned char *p, Py_ssize_t n)
{
    uint64_t x = 0;
    if (n >= 8) {
        memcpy(&x, p, 8);
        return x;
    }
    for (Py_ssize_t i = 0; i < n; i++) x |= (uint64_t)p[i] << (8 * i);
    return x;
}

/* The l (1..8) bytes at d[start:start + l] as a little-endian word, read as one 8-byte
 * load ending at the last byte when the text before allows it. */
ALWAYS_INLINE uint64_t
word_at(const unsigned char *d, Py_ssize_t start, Py_ssize_t l)
{
#if PY_LITTLE_ENDIAN
    if (start + l >= 8) {
        uint64_t x;
        memcpy(&x, d + start + l - 8, 8);
        return l == 8 ? x : x >> (8 * (8 - l));
    }
#endif
    return load_bytes(d + start, l);
}

/* A new str of doc[start:end] (0 < end - start <= KEY_CACHE_MAX_LEN, no UTF-8 beyond
 * ASCII) from the cache when the same text was seen before. */
ALWAYS_INLINE PyObject *
cached_string(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end, KeyCacheEntry *cache)
{
    const void *data = p->data;
    Py_ssize_t len = end - start;
    const uint64_t m = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)len * m;
    uint64_t first = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *d = data;
        first = word_at(d, start, len < 8 ? len : 8);
        h = (h ^ first) * m;
        h ^= h >> 29;
        Py_ssize_t i = start + 8;
        for (; i + 8 <= end; i += 8) {
            h = (h ^ load_bytes(d + i, 8)) * m;
            h ^= h >> 29;
        }
        if (i < end) {
            h = (h ^ word_at(d, i, end - i)) * m;
            h ^= h >> 29;
        }
    }
    else {
        for (Py_ssize_t i = start; i < end; i++) {
            h = (h ^ CH(i)) * m;
            h ^= h >> 29;
        }
    }
    KeyCacheEntry *entry = &cache[(h >> 40) & (KEY_CACHE_SIZE - 1)];
    PyObject *cached = entry->key;
    if (cached != NULL && entry->hash == (uint32_t)h && entry->len == len) {
        int same = 1;
        if (entry->kind == kind) {
            if (kind == PyUnicode_1BYTE_KIND) {
                same = entry->prefix == first;
                if (same && len > 8) {
                    const unsigned char *a = (const unsigned char *)data + start;
                    const unsigned char *b = entry->data;
                    Py_ssize_t i = 8;
                    for (; same && i + 8 <= len; i += 8) {
                        same = load_bytes(a + i, 8) == load_bytes(b + i, 8);
                    }
                    if (same && i < len) {
                        /* the last 8 characters (overlapping what was compared) */
                        same = load_bytes(a + len - 8, 8) == load_bytes(b + len - 8, 8);
                    }
                }
            }
            else {
                same = memcmp(entry->data, (const char *)data + start * kind,
                              (size_t)(len * kind)) == 0;
            }
        }
        else {
            for (Py_ssize_t i = 0; i < len; i++) {
                if (PyUnicode_READ(entry->kind, entry->data, i) != CH(start + i)) {
                    same = 0;
                    break;
                }
            }
        }
        if (same) {
            Py_INCREF(cached);
            return cached;
        }
    }
    PyObject *key = substring_known(p, kind, start, end, 0);
    if (key == NULL) return NULL;
    Py_INCREF(key);
    Py_XSETREF(entry->key, key);
    entry->hash = (uint32_t)h;
    entry->len = (uint16_t)len;
    entry->kind = (uint16_t)PyUnicode_KIND(key);
    entry->data = PyUnicode_DATA(key);
    entry->prefix = 0;
    if (entry->kind == PyUnicode_1BYTE_KIND) {
        entry->prefix = load_bytes(entry->data, len < 8 ? len : 8);
    }
    return key;
}

ALWAYS_INLINE PyObject *
key_string(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t len = end - start;
    int beyond_ascii = utf8_beyond_ascii(p, kind, start, end);
    if (len == 0 || len > KEY_CACHE_MAX_LEN || beyond_ascii) {
        return substring_known(p, kind, start, end, beyond_ascii);
    }
    return cached_string(p, kind, start, end, CACHES->keys);
}

/* A new str of doc[start:end] (start < end) for a bare value. */
ALWAYS_INLINE PyObject *
value_string(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    int beyond_ascii = utf8_beyond_ascii(p, kind, start, end);
    if (end - start > VALUE_CACHE_MAX_LEN || beyond_ascii) {
        return substring_known(p, kind, start, end, beyond_ascii);
    }
    return cached_string(p, kind, start, end, CACHES->values);
}

/* In 1-byte text: the first index >= i of byte a, b or c (n if none), 8 bytes at a time. */
ALWAYS_INLINE Py_ssize_t
scan_bytes(const Py_UCS1 *d, Py_ssize_t i, Py_ssize_t n, Py_UCS1 a, Py_UCS1 b, Py_UCS1 c)
{
#if defined(__SSE2__) && defined(__GNUC__)
    if (jsv_use_simd && i + 16 <= n) {
        const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b),
                      vc = _mm_set1_epi8((char)c);
        for (; i + 16 <= n; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(d + i));
            int mask = _mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)), _mm_cmpeq_epi8(v, vc)));
            if (mask) return i + __builtin_ctz((unsigned)mask);
        }
    }
#endif
#if PY_LITTLE_ENDIAN && defined(__GNUC__)
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t pa = ones * a, pb = ones * b, pc = ones * c;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, d + i, 8);
        uint64_t xa = w ^ pa, xb = w ^ pb, xc = w ^ pc;
        /* a zero byte in x marks a match; the lowest flagged byte is exact */
        uint64_t m = (((xa - ones) & ~xa) | ((xb - ones) & ~xb) | ((xc - ones) & ~xc)) & highs;
        if (m) return i + (__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && d[i] != a && d[i] != b && d[i] != c) i++;
    return i;
}

/* The first index >= i holding one of a, b, c (n if none). */
ALWAYS_INLINE Py_ssize_t
scan_for(const void *data, int kind, Py_ssize_t i, Py_ssize_t n, Py_UCS4 a, Py_UCS4 b,
         Py_UCS4 c)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        return scan_bytes((const Py_UCS1 *)data, i, n, (Py_UCS1)a, (Py_UCS1)b, (Py_UCS1)c);
    }
    while (i < n) {
        Py_UCS4 ch = CH(i);
        if (ch == a || ch == b || ch == c) break;
        i++;
    }
    return i;
}

/* doc[start:end] with each of its `pairs` doubled quotes read as one. */
static PyObject *
unescaped(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end, Py_ssize_t pairs)
{
    if (kind != PyUnicode_1BYTE_KIND || !(p->ascii || p->utf8)) {
        /* a str of any width: Python's replace() (a latin-1 str may or may not be ASCII,
         * which the result's kind must follow) */
        PyObject *text = substring(p, kind, start, end);
        if (text == NULL) return NULL;
        PyObject *result = PyUnicode_Replace(text, p->st->str_dquote, p->st->str_quote, -1);
        Py_DECREF(text);
        return result;
    }
    /* ASCII text is written straight into the new str; UTF-8 bytes into a buffer that is
     * then decoded */
    const Py_UCS1 *d = p->data;
    Py_ssize_t size = end - start - pairs;
    PyObject *result = NULL;
    Py_UCS1 local[256] = {0}, *buffer;
    if (p->ascii) {
        result = PyUnicode_New(size, 127);
        if (result == NULL) return NULL;
        buffer = PyUnicode_1BYTE_DATA(result);
    }
    else if (size <= (Py_ssize_t)sizeof(local)) {
        buffer = local;
    }
    else if ((buffer = PyMem_Malloc((size_t)size)) == NULL) {
        return PyErr_NoMemory();
    }
    Py_UCS1 *out = buffer;
    for (Py_ssize_t j = start; j < end;) {
        const Py_UCS1 *quote = memchr(d + j, '"', (size_t)(end - j));
        Py_ssize_t stop = quote == NULL ? end : quote - d;
        memcpy(out, d + j, (size_t)(stop - j));
        out += stop - j;
        if (quote == NULL) break;
        *out++ = '"'; /* one of the pair */
        j = stop + 2;
    }
    if (p->ascii) return result;
    result = PyUnicode_DecodeUTF8((const char *)buffer, size, "strict");
    if (buffer != local) PyMem_Free(buffer);
    return result != NULL ? result : jsv_parser_token_not_utf8(p);
}

/* The quoted token whose opening '"' is at start; *end receives the position after it. */
ALWAYS_INLINE PyObject *
parse_quoted(Parser *p, int kind, Py_ssize_t start, Py_ssize_t *end_out, int as_key)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t i = start + 1;
    Py_ssize_t escaped = 0; /* doubled quotes */
    for (;;) {
        if (kind == PyUnicode_1BYTE_KIND) {
            const void *hit = memchr((const char *)data + i, '"', (size_t)(n - i));
            i = hit == NULL ? n : (const char *)hit - (const char *)data;
        }
        else {
            while (i < n && CH(i) != '"') i++;
        }
        if (i >= n) {
            jsv_parser_error(p, p->st->MSG_UNTERMINATED_STRING, start);
            return NULL;
        }
        if (i + 1 < n && CH(i + 1) == '"') {
            escaped++;
            i += 2;
        }
        else {
            break;
        }
    }
    *end_out = i + 1;
    if (!escaped) {
        return as_key ? key_string(p, kind, start + 1, i) : substring(p, kind, start + 1, i);
    }
    return unescaped(p, kind, start + 1, i, escaped);
}

/* Skip whitespace after a quoted or map key; the position after its ':' or -1. */
ALWAYS_INLINE Py_ssize_t
expect_colon(Parser *p, int kind, Py_ssize_t pos, Py_ssize_t map_open)
{
    const void *data = p->data;
    pos = skip_ws(p, data, kind, pos, p->n);
    if (pos >= p->n) {
        jsv_parser_unterminated(p, 1, map_open);
        return -1;
    }
    if (CH(pos) != ':') {
        jsv_parser_error(p, p->st->MSG_EXPECTED_COLON, pos);
        return -1;
    }
    return pos + 1;
}

/* Where a document's value starts: after a byte-order mark and edge whitespace. */
ALWAYS_INLINE Py_ssize_t
document_start(Parser *p, const int kind)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t start;
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        const Py_UCS1 *d = data;
        start = (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) ? 3 : 0;
    }
    else {
        start = (n > 0 && CH(0) == 0xFEFF) ? 1 : 0;
    }
    return skip_ws(p, data, kind, start, n);
}

#endif /* JSV_TEXT_H */
