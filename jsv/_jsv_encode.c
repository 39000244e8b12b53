/*
 * jsv/_jsv_encode.c: the untyped encoder, encode() and encode_bytes(): the output
 * buffer (a str, or UTF-8 bytes), strings (spec §4) and numbers, and the iterative
 * encoder with its circular-reference test and error paths. What it knows of classes
 * (enums, dataclasses) comes from _jsv_classes.c.
 */
#include "_jsv.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------------------------ */
/* Encoding: the output buffer, a growing array of UCS1/UCS2/UCS4 code units            */
/* It is the result str itself (not yet shared), resized as it grows and at the end.    */
/* For encode_bytes() it is the result bytes object instead, written in UTF-8: its kind  */
/* stays 1 and its maxchar 0x10FFFF, so that ASCII is copied as it is and no widening    */
/* happens, and a str with other characters is encoded as it is copied (write_sub).     */

/* Whether the SSE2 paths run (declared in _jsv.h). */
int jsv_use_simd = 1;


static int
writer_init(Writer *w, int utf8)
{
    w->kind = PyUnicode_1BYTE_KIND;
    w->maxchar = utf8 ? 0x10FFFF : 127;
    w->cut = 0;
    w->utf8 = utf8;
    w->surrogate_at = -1;
    w->surrogate = 0;
    w->len = 0;
    w->cap = 1024;
    w->obj = utf8 ? PyBytes_FromStringAndSize(NULL, w->cap) : PyUnicode_New(w->cap, 127);
    if (w->obj == NULL) return -1;
    w->data = utf8 ? PyBytes_AS_STRING(w->obj) : PyUnicode_DATA(w->obj);
    return 0;
}

static void
writer_free(Writer *w)
{
    Py_CLEAR(w->obj);
    w->data = NULL;
}

static int
writer_grow(Writer *w, Py_ssize_t extra)
{
    Py_ssize_t need = w->len + extra;
    if (need < w->len || need > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t cap = w->cap;
    while (cap < need) cap *= 2; /* each doubling copies what is written: once in all */
    if (w->utf8) {
        if (jsv_bytes_resize(&w->obj, cap) < 0) return -1;
        w->data = PyBytes_AS_STRING(w->obj);
    }
    else {
        if (PyUnicode_Resize(&w->obj, cap) < 0) return -1;
        w->data = PyUnicode_DATA(w->obj);
    }
    w->cap = cap;
    return 0;
}

/* Take back what was written from mark on (an entry left out, or written again). */
ALWAYS_INLINE void
writer_cut(Writer *w, Py_ssize_t mark)
{
    w->len = mark;
    if (w->surrogate_at >= mark) w->surrogate_at = -1;
}

ALWAYS_INLINE int
writer_reserve(Writer *w, Py_ssize_t extra)
{
    if (UNLIKELY(w->len + extra > w->cap)) return writer_grow(w, extra);
    return 0;
}

/* Latin-1 code units to UCS-2: what a buffer made wide by one character needs for every
 * later ASCII key and value. */
ALWAYS_INLINE void
widen_1to2(Py_UCS2 *dst, const Py_UCS1 *src, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    if (jsv_use_simd && n >= 8) {
        const __m128i zero = _mm_setzero_si128();
        for (; i + 8 <= n; i += 8) {
            __m128i v = _mm_loadl_epi64((const __m128i *)(src + i));
            _mm_storeu_si128((__m128i *)(dst + i), _mm_unpacklo_epi8(v, zero));
        }
        if (i < n) { /* the last 8, overlapping what is done */
            __m128i v = _mm_loadl_epi64((const __m128i *)(src + n - 8));
            _mm_storeu_si128((__m128i *)(dst + n - 8), _mm_unpacklo_epi8(v, zero));
        }
        return;
    }
#endif
    for (; i < n; i++) dst[i] = src[i];
}

/* Copy len code units from (skind, src)[start:] to (dkind, dst)[at:]; skind <= dkind. */
static void
copy_units(int dkind, void *dst, Py_ssize_t at, int skind, const void *src, Py_ssize_t start,
           Py_ssize_t len)
{
    if (skind == dkind) {
        memcpy((char *)dst + at * dkind, (const char *)src + start * skind, (size_t)(len * skind));
    }
    else if (dkind == PyUnicode_2BYTE_KIND) {
        widen_1to2((Py_UCS2 *)dst + at, (const Py_UCS1 *)src + start, len);
    }
    else if (skind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *a = (const Py_UCS1 *)src + start;
        Py_UCS4 *b = (Py_UCS4 *)dst + at;
        for (Py_ssize_t i = 0; i < len; i++) b[i] = a[i];
    }
    else {
        const Py_UCS2 *a = (const Py_UCS2 *)src + start;
        Py_UCS4 *b = (Py_UCS4 *)dst + at;
        for (Py_ssize_t i = 0; i < len; i++) b[i] = a[i];
    }
}

/* Make the buffer able to hold characters up to maxchar (widening its kind if needed). */
static int
writer_widen(Writer *w, Py_UCS4 maxchar)
{
    if (maxchar <= w->maxchar) return 0;
    maxchar = maxchar < 128 ? 127 : maxchar < 256 ? 255 : maxchar < 65536 ? 65535 : 0x10FFFF;
    PyObject *obj = PyUnicode_New(w->cap, maxchar);
    if (obj == NULL) return -1;
    int kind = PyUnicode_KIND(obj);
    copy_units(kind, PyUnicode_DATA(obj), 0, w->kind, w->data, 0, w->len);
    Py_SETREF(w->obj, obj);
    w->data = PyUnicode_DATA(obj);
    w->kind = kind;
    w->maxchar = maxchar;
    return 0;
}

ALWAYS_INLINE int
write_ascii(Writer *w, const char *s, Py_ssize_t len)
{
    if (writer_reserve(w, len) < 0) return -1;
    if (LIKELY(w->kind == PyUnicode_1BYTE_KIND)) {
        memcpy(w->data + w->len, s, (size_t)len);
    }
    else {
        copy_units(w->kind, w->data, w->len, PyUnicode_1BYTE_KIND, s, 0, len);
    }
    w->len += len;
    return 0;
}

ALWAYS_INLINE int
write_char(Writer *w, Py_UCS4 c)
{
    /* c is ASCII */
    if (writer_reserve(w, 1) < 0) return -1;
    PyUnicode_WRITE(w->kind, w->data, w->len, c);
    w->len++;
    return 0;
}

/* memcpy() for the short runs keys and values mostly are, without a call: two
 * overlapping loads and stores cover any length up to twice their width. */
ALWAYS_INLINE void
copy_bytes(char *dst, const char *src, Py_ssize_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t head, tail;
        memcpy(&head, src, 8);
        memcpy(&tail, src + n - 8, 8);
        memcpy(dst, &head, 8);
        memcpy(dst + n - 8, &tail, 8);
    }
    else if (n >= 4 && n < 8) {
        uint32_t head, tail;
        memcpy(&head, src, 4);
        memcpy(&tail, src + n - 4, 4);
        memcpy(dst, &head, 4);
        memcpy(dst + n - 4, &tail, 4);
    }
    else if (n < 4) {
        for (Py_ssize_t i = 0; i < n; i++) dst[i] = src[i];
    }
    else {
        memcpy(dst, src, (size_t)n);
    }
}

/* Put the n Latin-1 code units at src into the buffer at index at (room reserved). */
ALWAYS_INLINE void
put_latin1(Writer *w, Py_ssize_t at, const Py_UCS1 *src, Py_ssize_t n)
{
    if (LIKELY(w->kind == PyUnicode_1BYTE_KIND)) {
        copy_bytes(w->data + at, (const char *)src, n);
    }
    else if (w->kind == PyUnicode_2BYTE_KIND) {
        widen_1to2((Py_UCS2 *)w->data + at, src, n);
    }
    else {
        copy_units(w->kind, w->data, at, PyUnicode_1BYTE_KIND, src, 0, n);
    }
}

/* Write c as UTF-8 at out (room reserved); a lone surrogate is written as its three bytes
 * (as the "surrogatepass" error handler would) and remembered: the result is an error if
 * it is still there at the end (see writer_finish()). */
ALWAYS_INLINE unsigned char *
put_utf8_char(Writer *w, unsigned char *out, Py_UCS4 c)
{
    if (c < 0x80) {
        *out++ = (unsigned char)c;
    }
    else if (c < 0x800) {
        *out++ = (unsigned char)(0xC0 | (c >> 6));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    else if (c < 0x10000) {
        if (UNLIKELY(c >= 0xD800 && c <= 0xDFFF) && w->surrogate_at < 0) {
            w->surrogate_at = (Py_ssize_t)(out - (unsigned char *)w->data);
            w->surrogate = c;
        }
        *out++ = (unsigned char)(0xE0 | (c >> 12));
        *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    else {
        *out++ = (unsigned char)(0xF0 | (c >> 18));
        *out++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    return out;
}

/* Append the code units (kind, data)[start:start + n] in UTF-8. Runs of ASCII are copied
 * a vector at a time (16 Latin-1 units, 8 UCS-2 units or 4 UCS-4 units, narrowed to
 * bytes): a vector is stored whole, and the output advances past its leading ASCII
 * units only, so that the first other character is encoded over the rest (the room
 * reserved for the worst case, 2 to 4 bytes a unit, leaves space for the whole store). */
static int
write_utf8(Writer *w, int kind, const void *data, Py_ssize_t start, Py_ssize_t n)
{
    if (n > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        return -1;
    }
    if (writer_reserve(w, n * (kind == PyUnicode_1BYTE_KIND ? 2 : kind + 1)) < 0) return -1;
    unsigned char *out = (unsigned char *)w->data + w->len;
    Py_ssize_t i = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *src = (const Py_UCS1 *)data + start;
        for (;;) {
#if defined(__SSE2__)
            while (jsv_use_simd && i + 16 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
                int other = _mm_movemask_epi8(v); /* the units >= 0x80 */
                _mm_storeu_si128((__m128i *)out, v);
                int ascii = other ? __builtin_ctz((unsigned int)other) : 16;
                out += ascii;
                i += ascii;
                if (other) break;
            }
#endif
            if (i >= n) break;
            do { /* a run of other characters, to the next ASCII one */
                out = put_utf8_char(w, out, src[i++]);
            } while (i < n && src[i] >= 0x80);
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *src = (const Py_UCS2 *)data + start;
        for (;;) {
#if defined(__SSE2__)
            while (jsv_use_simd && i + 8 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
                __m128i high = _mm_and_si128(v, _mm_set1_epi16((short)0xFF80));
                /* two bits per unit, set for the ASCII ones */
                unsigned int ascii_bits = (unsigned int)_mm_movemask_epi8(
                    _mm_cmpeq_epi16(high, _mm_setzero_si128()));
                _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(v, v));
                int ascii = ascii_bits == 0xFFFF ? 8 : __builtin_ctz(~ascii_bits) / 2;
                out += ascii;
                i += ascii;
                if (ascii < 8) break;
            }
#endif
            if (i >= n) break;
            do { /* a run of other characters, to the next ASCII one */
                out = put_utf8_char(w, out, src[i++]);
            } while (i < n && src[i] >= 0x80);
        }
    }
    else {
        const Py_UCS4 *src = (const Py_UCS4 *)data + start;
        for (;;) {
#if defined(__SSE2__)
            while (jsv_use_simd && i + 4 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
                __m128i high = _mm_and_si128(v, _mm_set1_epi32((int)0xFFFFFF80u));
                /* four bits per unit, set for the ASCII ones */
                unsigned int ascii_bits = (unsigned int)_mm_movemask_epi8(
                    _mm_cmpeq_epi32(high, _mm_setzero_si128()));
                __m128i b = _mm_packus_epi16(_mm_packs_epi32(v, v), _mm_setzero_si128());
                int four = _mm_cvtsi128_si32(b);
                memcpy(out, &four, 4);
                int ascii = ascii_bits == 0xFFFF ? 4 : __builtin_ctz(~ascii_bits) / 4;
                out += ascii;
                i += ascii;
                if (ascii < 4) break;
            }
#endif
            if (i >= n) break;
            do { /* a run of other characters, to the next ASCII one */
                out = put_utf8_char(w, out, src[i++]);
            } while (i < n && src[i] >= 0x80);
        }
    }
    w->len = (Py_ssize_t)(out - (unsigned char *)w->data);
    return 0;
}

/* Append s[start:end]; the buffer must already be wide enough for s. */
ALWAYS_INLINE int
write_sub(Writer *w, PyObject *s, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t len = end - start;
    if (len <= 0) return 0;
    int skind = PyUnicode_KIND(s);
    const void *sdata = PyUnicode_DATA(s);
    if (UNLIKELY(w->utf8) && !PyUnicode_IS_ASCII(s)) {
        return write_utf8(w, skind, sdata, start, len);
    }
    if (writer_reserve(w, len) < 0) return -1;
    if (LIKELY(skind == PyUnicode_1BYTE_KIND)) {
        put_latin1(w, w->len, (const Py_UCS1 *)sdata + start, len);
    }
    else {
        copy_units(w->kind, w->data, w->len, skind, sdata, start, len);
    }
    w->len += len;
    return 0;
}

ALWAYS_INLINE int
write_str(Writer *w, PyObject *s)
{
    if (PyUnicode_READY(s) < 0) return -1;
    if (writer_widen(w, PyUnicode_MAX_CHAR_VALUE(s)) < 0) return -1;
    return write_sub(w, s, 0, PyUnicode_GET_LENGTH(s));
}

static PyObject *
writer_finish(JsvState *st, Writer *w)
{
    if (w->utf8) {
        if (w->surrogate_at >= 0) {
            /* what str.encode() refuses: the first lone surrogate of the text */
            char text[16];
            snprintf(text, sizeof(text), "U+%04X", (unsigned int)w->surrogate);
            PyObject *c = PyUnicode_FromString(text);
            if (c == NULL) return NULL;
            PyObject *msg = jsv_format_message(st, st->MSG_LONE_SURROGATE, st->str_char, c, NULL,
                                               NULL);
            Py_DECREF(c);
            if (msg == NULL) return NULL;
            PyObject *exc = PyObject_CallOneArg(st->EncodeError, msg);
            Py_DECREF(msg);
            if (exc != NULL) {
                PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
                Py_DECREF(exc);
            }
            return NULL;
        }
        if (jsv_bytes_resize(&w->obj, w->len) < 0) return NULL;
        PyObject *result = w->obj;
        w->obj = NULL;
        return result;
    }
    if (w->cut && w->maxchar > 127) {
        /* the characters that made the buffer wide may be gone: let CPython pick */
        return PyUnicode_FromKindAndData(w->kind, w->data, w->len);
    }
    if (PyUnicode_Resize(&w->obj, w->len) < 0) return NULL;
    PyObject *result = w->obj;
    w->obj = NULL;
    return result;
}

/* ------------------------------------------------------------------------------------ */
/* Encoding: strings (spec §4) and numbers                                              */

/* '":,{}[]' CR LF: characters that make a string quoted wherever they are. */
/* (a constant table: the same for every module and thread) */
static const unsigned char special_ascii[256] = {
    ['"'] = 1, [':'] = 1, [','] = 1, ['{'] = 1, ['}'] = 1,
    ['['] = 1, [']'] = 1, ['\r'] = 1, ['\n'] = 1,
};

ALWAYS_INLINE int
is_special(Py_UCS4 c)
{
    return c < 128 && special_ascii[c];
}

#if defined(__SSE2__)
/* The bytes of v that are one of '":,{}[]' CR LF, as a bit mask. */
ALWAYS_INLINE int
special_mask(__m128i v)
{
    const __m128i quote = _mm_set1_epi8('"'), comma = _mm_set1_epi8(','),
                  colon = _mm_set1_epi8(':'), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'),
                  lower = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'),
                  close = _mm_set1_epi8('}');
    /* '[' and ']' differ from '{' and '}' only in bit 0x20 */
    __m128i u = _mm_or_si128(v, lower);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, comma)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, cr)));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, lf),
                                         _mm_or_si128(_mm_cmpeq_epi8(u, open),
                                                      _mm_cmpeq_epi8(u, close))));
    return _mm_movemask_epi8(hit);
}

/* The 16 code units of this kind at s as 16 bytes: an ASCII character stays itself, any
 * other becomes a byte that is no ASCII character (0x80-0xFF, or 0 from a UCS-2 unit of
 * 0x8000 or more: 0 is no special either), by the saturating packs. So the specials and
 * '"' of a wide text are found 16 characters at a time, as in a Latin-1 one. */
ALWAYS_INLINE __m128i
pack16(int kind, const void *s)
{
    const __m128i *p = (const __m128i *)s;
    if (kind == PyUnicode_1BYTE_KIND) return _mm_loadu_si128(p);
    if (kind == PyUnicode_2BYTE_KIND) {
        return _mm_packus_epi16(_mm_loadu_si128(p), _mm_loadu_si128(p + 1));
    }
    __m128i lo = _mm_packs_epi32(_mm_loadu_si128(p), _mm_loadu_si128(p + 1));
    __m128i hi = _mm_packs_epi32(_mm_loadu_si128(p + 2), _mm_loadu_si128(p + 3));
    return _mm_packus_epi16(lo, hi);
}
#endif

/* Any of '":,{}[]' CR LF among the n code units of this kind at data? */
static int
has_special(int kind, const void *data, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    if (jsv_use_simd) {
        for (; i + 16 <= n; i += 16) {
            if (special_mask(pack16(kind, (const char *)data + i * kind))) return 1;
        }
    }
#endif
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = data;
        unsigned char bad = 0;
        for (; i < n; i++) bad |= special_ascii[d[i]];
        return bad;
    }
    for (; i < n; i++) {
        if (is_special(PyUnicode_READ(kind, data, i))) return 1;
    }
    return 0;
}

/* The first index >= i of a '"' among the n code units of this kind at data, or n. */
static Py_ssize_t
find_quote(int kind, const void *data, Py_ssize_t i, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *d = data;
        const char *q = memchr(d + i, '"', (size_t)(n - i));
        return q == NULL ? n : q - d;
    }
#if defined(__SSE2__)
    if (jsv_use_simd) {
        const __m128i quote = _mm_set1_epi8('"');
        for (; i + 16 <= n; i += 16) {
            __m128i v = pack16(kind, (const char *)data + i * kind);
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))) break; /* it is among these */
        }
    }
#endif
    for (; i < n; i++) {
        if (PyUnicode_READ(kind, data, i) == '"') return i;
    }
    return n;
}

/* _NEEDS_QUOTES(text) is not None, for a non-empty text. */
static int
needs_quotes(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_UCS4 first = PyUnicode_READ(kind, data, 0);
    if (jsv_is_space(first) || first == 0xFEFF) return 1;
    if (jsv_is_space(PyUnicode_READ(kind, data, n - 1))) return 1;
    return has_special(kind, data, n);
}

/* quote(text): '"' + text.replace('"', '""') + '"'. */
static int
write_quoted(Writer *w, PyObject *s)
{
    if (writer_widen(w, PyUnicode_MAX_CHAR_VALUE(s)) < 0) return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (write_char(w, '"') < 0) return -1;
    Py_ssize_t start = 0, i;
    for (Py_ssize_t from = 0; (i = find_quote(kind, data, from, n)) < n; from = i + 1) {
        if (write_sub(w, s, start, i + 1) < 0) return -1;
        start = i; /* the '"' is written again: doubled */
    }
    if (write_sub(w, s, start, n) < 0) return -1;
    return write_char(w, '"');
}

/* A str by the rule of spec §4 (quote()). */
static int
write_string_general(Writer *w, PyObject *s)
{
    if (PyUnicode_READY(s) < 0) return -1;
    if (PyUnicode_GET_LENGTH(s) == 0 || needs_quotes(s)) return write_quoted(w, s);
    if (writer_widen(w, PyUnicode_MAX_CHAR_VALUE(s)) < 0) return -1;
    return write_sub(w, s, 0, PyUnicode_GET_LENGTH(s));
}

/* Any of '":,{}[]' CR LF among the n ASCII characters at s? Short texts are read in two
 * overlapping halves, long ones 16 bytes at a time and the rest as the last 16. */
ALWAYS_INLINE int
ascii_has_special(const Py_UCS1 *s, Py_ssize_t n)
{
#if defined(__SSE2__)
    if (!jsv_use_simd) {
        /* the scalar twin, below */
    }
    else if (n >= 16) {
        Py_ssize_t i = 0;
        for (; i + 16 <= n; i += 16) {
            if (special_mask(_mm_loadu_si128((const __m128i *)(s + i)))) return 1;
        }
        return i < n && special_mask(_mm_loadu_si128((const __m128i *)(s + n - 16)));
    }
    else if (n >= 8) {
        __m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)s),
                                       _mm_loadl_epi64((const __m128i *)(s + n - 8)));
        return special_mask(v) != 0;
    }
#endif
    unsigned char bad = 0;
    for (Py_ssize_t i = 0; i < n; i++) bad |= special_ascii[s[i]];
    return bad;
}

#define COPY_CHECK(T)                                                                     \
    do {                                                                                  \
        T *dst = (T *)w->data + w->len;                                                   \
        for (Py_ssize_t i = 0; i < n; i++) {                                              \
            Py_UCS1 c = src[i];                                                           \
            dst[i] = c;                                                                   \
            bad |= special_ascii[c];                                                      \
        }                                                                                 \
    } while (0)

ALWAYS_INLINE int
write_string(Writer *w, PyObject *s)
{
    if (LIKELY(PyUnicode_IS_COMPACT_ASCII(s))) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(s);
        const Py_UCS1 *src = (const Py_UCS1 *)(((PyASCIIObject *)s) + 1);
        if (n > 0 && !JSV_ASCII_SPACE[src[0]] && !JSV_ASCII_SPACE[src[n - 1]]) {
            if (writer_reserve(w, n) < 0) return -1;
            if (n < 8) {
                /* short: copy while checking; the copy counts only if nothing is special */
                unsigned char bad = 0;
                if (LIKELY(w->kind == PyUnicode_1BYTE_KIND)) {
                    COPY_CHECK(Py_UCS1);
                }
                else if (w->kind == PyUnicode_2BYTE_KIND) {
                    COPY_CHECK(Py_UCS2);
                }
                else {
                    COPY_CHECK(Py_UCS4);
                }
                if (LIKELY(!bad)) {
                    w->len += n;
                    return 0;
                }
            }
            else if (!ascii_has_special(src, n)) {
                put_latin1(w, w->len, src, n);
                w->len += n;
                return 0;
            }
        }
        if (n > 0 && memchr(src, '"', (size_t)n) == NULL) {
            /* the common quoted text (a time, a name with a comma): no '"' to double */
            if (writer_reserve(w, n + 2) < 0) return -1;
            PyUnicode_WRITE(w->kind, w->data, w->len, '"');
            put_latin1(w, w->len + 1, src, n);
            PyUnicode_WRITE(w->kind, w->data, w->len + n + 1, '"');
            w->len += n + 2;
            return 0;
        }
        return write_quoted(w, s);
    }
    return write_string_general(w, s);
}

static int
write_int(Writer *w, PyObject *v)
{
    int overflow;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow == 0) {
        if (x == -1 && PyErr_Occurred()) return -1;
        char buf[24];
        char *end = buf + sizeof(buf);
        char *p = end;
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (x < 0) *--p = '-';
        return write_ascii(w, p, end - p);
    }
    PyObject *text = PyLong_Type.tp_repr(v);
    if (text == NULL) return -1;
    int r = write_str(w, text);
    Py_DECREF(text);
    return r;
}

/* float_text() of _scalars.py: .NET's shortest round-trip form. */
static int
write_float(Writer *w, double v)
{
    if (isnan(v)) return write_ascii(w, "NaN", 3);
    if (isinf(v)) return v > 0 ? write_ascii(w, "Infinity", 8) : write_ascii(w, "-Infinity", 9);
    char *r = PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (r == NULL) return -1;
    char out[64];
    size_t len = strlen(r);
    size_t o = 0;
    char *e = strchr(r, 'e');
    if (len > 40) { /* cannot happen for a double; stay safe */
        PyMem_Free(r);
        PyErr_SetString(PyExc_SystemError, "unexpected float representation");
        return -1;
    }
    if (e != NULL) {
        size_t mlen = (size_t)(e - r);
        if (mlen >= 2 && r[mlen - 2] == '.' && r[mlen - 1] == '0') mlen -= 2;
        memcpy(out, r, mlen);
        o = mlen;
        long power = strtol(e + 1, NULL, 10);
        out[o++] = 'E';
        out[o++] = power < 0 ? '-' : '+';
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%02ld", power < 0 ? -power : power);
    }
    else {
        if (len >= 2 && r[len - 2] == '.' && r[len - 1] == '0') len -= 2;
        if (fabs(v) >= 1e15) {
            const char *t = r;
            if (*t == '-') {
                out[o++] = '-';
                t++;
            }
            char digits[48];
            size_t nd = 0;
            for (; t < r + len; t++) {
                if (*t != '.') digits[nd++] = *t;
            }
            size_t rest_end = nd;
            while (rest_end > 1 && digits[rest_end - 1] == '0') rest_end--;
            out[o++] = digits[0];
            if (rest_end > 1) {
                out[o++] = '.';
                memcpy(out + o, digits + 1, rest_end - 1);
                o += rest_end - 1;
            }
            memcpy(out + o, "E+15", 4);
            o += 4;
        }
        else {
            memcpy(out, r, len);
            o = len;
        }
    }
    PyMem_Free(r);
    return write_ascii(w, out, (Py_ssize_t)o);
}

/* ------------------------------------------------------------------------------------ */
/* Encoding: the iterative encoder                                                      */

enum { KIND_LIST = 0, KIND_DICT = 1, KIND_FIELDS = 2 }; /* as _LIST, _DICT, _FIELDS */

enum {
    ITER_SINGLE,  /* the top-level pseudo list holding obj */
    ITER_LIST,    /* an exact list, by index */
    ITER_TUPLE,   /* an exact tuple, by index */
    ITER_ITEMS,   /* any iterable of items, with enumerate() indexes */
    ITER_DICT,    /* an exact dict, by PyDict_Next */
    ITER_PAIRS,   /* an iterator of (key, value) pairs: iter(d.items()) */
    ITER_FIELDS,  /* a dataclass: (written key, value) from its field table and values */
};

typedef struct {
    int kind;
    int iter_mode;
    PyObject *container; /* the object opened (for sets: the sorted list); owned */
    PyObject *iter;      /* ITER_ITEMS/ITER_PAIRS: the iterator */
    PyObject *table;     /* ITER_FIELDS: the written keys, with their colon */
    PyObject *spec;      /* what is declared for the items (§23), or NULL for nothing:
                          * ITER_FIELDS: the fields' hint specs (a tuple), owned; others:
                          * the hint spec of every item (a list: of each position),
                          * borrowed from a parent frame's (or the encode() argument) */
    Py_ssize_t index;    /* next index / PyDict_Next position */
    Py_ssize_t size;     /* ITER_DICT: the size when iteration started; FIELDS: of table */
    Py_ssize_t base;     /* ITER_FIELDS: where its values start in the value stack */
    PyObject *here;      /* the key of the current item (DICT, FIELDS); owned */
    Py_ssize_t here_index; /* LIST: the index of the current item, -1 for none */
} EncodeFrame;

#define ENCODE_LOCAL_FRAMES 32

/* The circular-reference test compares a container about to be opened with every open
 * one. The first OPEN_LINEAR frames are compared one by one (cheap for the usual shallow
 * documents); the frames deeper than that are also kept in a small open-addressing set of
 * their containers' addresses, so that a deep document costs a lookup per container
 * instead of a scan of all its ancestors (which made a 200-deep document quadratic). */
#define OPEN_LINEAR 8

/* The first open set lives in the encoder and is zeroed when first needed: a deep
 * document then allocates nothing for it until OPEN_LOCAL / 2 containers are in it. */
#define OPEN_LOCAL 512

/* A bit of a container's address, for a filter of the first open frames: a container
 * whose bit is not set in the filter is none of theirs, and needs no comparison. */
ALWAYS_INLINE uint64_t
open_bit(PyObject *obj)
{
    return (uint64_t)1 << (((uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15ULL) >> 58);
}

typedef struct {
    JsvState *st; /* the module's state */
    Writer w;
    /* the field values of the dataclasses being written, read when each is opened: one
     * stack of strong references for all, instead of a tuple per instance */
    ValueStack values;
    EncodeFrame local[ENCODE_LOCAL_FRAMES];
    EncodeFrame *frames;
    Py_ssize_t depth; /* the index of the current frame */
    Py_ssize_t capacity;
    PyObject *obj;
    PyObject *rename;     /* as given */
    PyObject *rename_fn;  /* rename_function(rename) */
    PyObject *default_fn; /* NULL: none */
    PyObject *unit;       /* NULL: compact */
    int keep_none;
    PyObject *set_key;    /* the sort key for sets, created on first use */
    PyObject **open_set;  /* the containers of frames >= OPEN_LINEAR; NULL until needed */
    size_t open_mask;     /* its size - 1 (a power of two) */
    /* from a depth of OPEN_LINEAR, the open_bit() of the containers of frames 1 to
     * OPEN_LINEAR - 1 (which stay while deeper frames come and go), so that a deep check
     * compares them only on a matching bit; 0 until the first check that needs it */
    uint64_t linear_bits;
    PyObject *open_local[OPEN_LOCAL]; /* the first open_set */
} Encoder;

ALWAYS_INLINE size_t
open_set_hash(const Encoder *e, PyObject *obj)
{
    /* Fibonacci hashing of the address (its low bits are alignment) */
    uint64_t h = (uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 40) & e->open_mask;
}

/* Whether obj is in the set of deep open containers (linear probing). */
static int
open_set_has(const Encoder *e, PyObject *obj)
{
    if (e->open_set == NULL) return 0;
    for (size_t i = open_set_hash(e, obj);; i = (i + 1) & e->open_mask) {
        if (e->open_set[i] == obj) return 1;
        if (e->open_set[i] == NULL) return 0;
    }
}

static void
open_set_put(Encoder *e, PyObject *obj)
{
    size_t i = open_set_hash(e, obj);
    while (e->open_set[i] != NULL) i = (i + 1) & e->open_mask;
    e->open_set[i] = obj;
}

/* Add obj, the container of the frame about to be pushed at depth e->depth + 1. The set
 * starts small and is rebuilt four times as large when half full; the frames' containers
 * are put back in the order of their opening, which keeps open_set_remove() valid. */
static int
open_set_add(Encoder *e, PyObject *obj)
{
    size_t count = (size_t)(e->depth + 1 - OPEN_LINEAR); /* already in the set */
    if (e->open_set == NULL) {
        memset(e->open_local, 0, sizeof(e->open_local));
        e->open_set = e->open_local;
        e->open_mask = OPEN_LOCAL - 1;
    }
    else if (2 * (count + 1) > e->open_mask + 1) {
        size_t size = 4 * (e->open_mask + 1);
        PyObject **table = PyMem_Calloc(size, sizeof(PyObject *));
        if (table == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        if (e->open_set != e->open_local) PyMem_Free(e->open_set);
        e->open_set = table;
        e->open_mask = size - 1;
        for (Py_ssize_t i = OPEN_LINEAR; i <= e->depth; i++) {
            open_set_put(e, e->frames[i].container);
        }
    }
    open_set_put(e, obj);
    return 0;
}

/* Remove obj, the container added last (frames close in the reverse order of their
 * opening): no container added before it probed past its slot, which was empty then, so
 * emptying the slot again breaks no probe sequence. */
static void
open_set_remove(Encoder *e, PyObject *obj)
{
    for (size_t i = open_set_hash(e, obj);; i = (i + 1) & e->open_mask) {
        if (e->open_set[i] == obj) {
            e->open_set[i] = NULL;
            return;
        }
    }
}

static void
frame_clear(EncodeFrame *f)
{
    Py_CLEAR(f->container);
    Py_CLEAR(f->iter);
    Py_CLEAR(f->table);
    if (f->iter_mode == ITER_FIELDS) Py_CLEAR(f->spec);
    Py_CLEAR(f->here);
}

/* _path(stack, here, kind) of _encode.py, for the current frame (here_none: key None). */
static PyObject *
encoder_path_upto(Encoder *e, Py_ssize_t upto, int here_none)
{
    PyObject *stack = PyList_New(0);
    if (stack == NULL) return NULL;
    PyObject *result = NULL, *here = NULL;
    for (Py_ssize_t i = 0; i <= upto; i++) {
        EncodeFrame *f = &e->frames[i];
        PyObject *key;
        if (f->kind == KIND_LIST) {
            if (f->here_index < 0 || f->iter_mode == ITER_SINGLE) {
                key = Py_None;
                Py_INCREF(key);
            }
            else {
                key = PyLong_FromSsize_t(f->here_index);
                if (key == NULL) goto done;
            }
        }
        else {
            key = f->here != NULL ? f->here : Py_None;
            Py_INCREF(key);
        }
        if (i == upto) {
            here = key;
            break;
        }
        PyObject *kind = PyLong_FromLong(f->kind);
        if (kind == NULL) {
            Py_DECREF(key);
            goto done;
        }
        PyObject *frame = PyTuple_Pack(4, Py_None, kind, Py_None, key);
        Py_DECREF(kind);
        Py_DECREF(key);
        if (frame == NULL) goto done;
        int r = PyList_Append(stack, frame);
        Py_DECREF(frame);
        if (r < 0) goto done;
    }
    if (here_none) {
        Py_DECREF(here);
        here = Py_None;
        Py_INCREF(here);
    }
    result = PyObject_CallFunction(e->st->py_path, "OOi", stack, here, e->frames[upto].kind);
done:
    Py_XDECREF(here);
    Py_DECREF(stack);
    return result;
}

static PyObject *
encoder_path(Encoder *e, int here_none)
{
    return encoder_path_upto(e, e->depth, here_none);
}

/* Raise EncodeError(fmt.format(path=<path of the current item>)). */
static void
encoder_error_path_upto(Encoder *e, Py_ssize_t upto, PyObject *fmt, int here_none,
                        PyObject *type_of)
{
    PyObject *path = encoder_path_upto(e, upto, here_none);
    if (path == NULL) return;
    PyObject *msg;
    if (type_of != NULL) {
        PyObject *name = jsv_type_name(e->st, type_of);
        if (name == NULL) {
            Py_DECREF(path);
            return;
        }
        msg = jsv_format_message(e->st, fmt, e->st->str_type, name, e->st->str_path, path);
        Py_DECREF(name);
    }
    else {
        msg = jsv_format_message(e->st, fmt, e->st->str_path, path, NULL, NULL);
    }
    Py_DECREF(path);
    if (msg == NULL) return;
    PyObject *exc = PyObject_CallOneArg(e->st->EncodeError, msg);
    Py_DECREF(msg);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

static void
encoder_error_path(Encoder *e, PyObject *fmt, int here_none, PyObject *type_of)
{
    encoder_error_path_upto(e, e->depth, fmt, here_none, type_of);
}

/* Replace the pending exception (a ScalarError, or the ValueError of an int with too many
 * digits) by EncodeError(f"{error} (at {path})"), as the pure encoder does. */
static void
encoder_error_from_exception(Encoder *e, int here_none)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *path = encoder_path(e, here_none);
    if (path != NULL && value != NULL) {
        PyObject *msg = PyUnicode_FromFormat("%S (at %S)", value, path);
        if (msg != NULL) {
            PyObject *exc = PyObject_CallOneArg(e->st->EncodeError, msg);
            Py_DECREF(msg);
            if (exc != NULL) {
                PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
                Py_DECREF(exc);
            }
        }
    }
    Py_XDECREF(path);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

/* The (key, value) pair item, unpacked as `for key, value in pairs` does, in new
 * references. 0, or -1 with the exception that unpacking raises. */
static int
unpack_pair(PyObject *item, PyObject **k, PyObject **v)
{
    PyObject *seq;
    if (PyTuple_CheckExact(item) || PyList_CheckExact(item)) {
        seq = item;
        Py_INCREF(seq);
    }
    else {
        PyObject *it = PyObject_GetIter(item);
        if (it == NULL) {
            if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object",
                             Py_TYPE(item)->tp_name);
            }
            return -1;
        }
        Py_DECREF(it);
        seq = PySequence_Tuple(item);
        if (seq == NULL) return -1;
    }
    Py_ssize_t size = PySequence_Fast_GET_SIZE(seq);
    if (size != 2) {
        if (size < 2) {
            PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected 2, got %zd)",
                         size);
        }
        else {
            PyErr_SetString(PyExc_ValueError, "too many values to unpack (expected 2)");
        }
        Py_DECREF(seq);
        return -1;
    }
    *k = PySequence_Fast_GET_ITEM(seq, 0);
    *v = PySequence_Fast_GET_ITEM(seq, 1);
    Py_INCREF(*k);
    Py_INCREF(*v);
    Py_DECREF(seq);
    return 0;
}

/* Give the entry (k, v) of a map frame (new references, consumed): k is also the frame's
 * current key. Returns 1, as next_item(). */
ALWAYS_INLINE int
give_entry(EncodeFrame *f, PyObject *k, PyObject *v, PyObject **key, PyObject **value)
{
    Py_XSETREF(f->here, k);
    Py_INCREF(k);
    *key = k;
    *value = v;
    return 1;
}

/* The next item of the current frame: 1 with new references in *key (may stay NULL for
 * lists) and *value, 0 when exhausted, -1 on error. Updates here/here_index. */
static int
next_item(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    PyObject *k, *v, *item;
    *key = NULL;
    *value = NULL;
    switch (f->iter_mode) {
    case ITER_SINGLE:
        if (f->index > 0) return 0;
        f->index = 1;
        *value = f->container;
        Py_INCREF(*value);
        f->here_index = -1;
        return 1;
    case ITER_LIST:
    case ITER_TUPLE:
        if (f->index >= Py_SIZE(f->container)) return 0;
        *value = f->iter_mode == ITER_LIST ? PyList_GET_ITEM(f->container, f->index)
                                           : PyTuple_GET_ITEM(f->container, f->index);
        Py_INCREF(*value);
        f->here_index = f->index++;
        return 1;
    case ITER_ITEMS:
        item = PyIter_Next(f->iter);
        if (item == NULL) return PyErr_Occurred() ? -1 : 0;
        *value = item;
        f->here_index = f->index++;
        return 1;
    case ITER_DICT:
        if (PyDict_GET_SIZE(f->container) != f->size) {
            f->size = -1; /* sticky, as the dict iterator */
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            return -1;
        }
        if (!PyDict_Next(f->container, &f->index, &k, &v)) return 0;
        Py_INCREF(k);
        Py_INCREF(v);
        return give_entry(f, k, v, key, value);
    case ITER_PAIRS:
        item = PyIter_Next(f->iter);
        if (item == NULL) return PyErr_Occurred() ? -1 : 0;
        if (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2) {
            k = PyTuple_GET_ITEM(item, 0);
            v = PyTuple_GET_ITEM(item, 1);
            Py_INCREF(k);
            Py_INCREF(v);
        }
        else if (unpack_pair(item, &k, &v) < 0) {
            Py_DECREF(item);
            return -1;
        }
        Py_DECREF(item);
        return give_entry(f, k, v, key, value);
    case ITER_FIELDS:
        if (f->index >= f->size) return 0;
        k = PyTuple_GET_ITEM(f->table, f->index);
        v = e->values.items[f->base + f->index];
        f->index++;
        Py_INCREF(k);
        Py_INCREF(v);
        return give_entry(f, k, v, key, value);
    }
    return 0;
}

/* "\n" + unit * level */
static int
write_newline(Encoder *e, Py_ssize_t level)
{
    if (write_char(&e->w, '\n') < 0) return -1;
    for (Py_ssize_t i = 0; i < level; i++) {
        if (write_str(&e->w, e->unit) < 0) return -1;
    }
    return 0;
}

static int
is_dataclass_instance(JsvState *st, PyObject *value)
{
    if (PyType_Check(value)) return 0;
    return PyObject_HasAttr((PyObject *)Py_TYPE(value), st->str_dataclass_fields);
}

static int
is_container(JsvState *st, PyObject *value)
{
    if (PyDict_Check(value) || PyList_Check(value) || PyTuple_Check(value) ||
        PyAnySet_Check(value)) {
        return 1;
    }
    return is_dataclass_instance(st, value);
}


/* What is declared (§23) for the item the current frame pf is at: a class, True (a union),
 * (items,), or NULL for nothing. */
ALWAYS_INLINE PyObject *
declared_spec(EncodeFrame *pf)
{
    PyObject *spec = pf->spec;
    if (spec == NULL) return NULL;
    if (pf->iter_mode == ITER_FIELDS) {
        spec = PyTuple_GET_ITEM(spec, pf->index - 1);
    }
    else if (PyList_CheckExact(spec)) { /* by position: a tuple's items declared apart */
        spec = pf->kind == KIND_LIST && pf->here_index >= 0 &&
                       pf->here_index < PyList_GET_SIZE(spec)
                   ? PyList_GET_ITEM(spec, pf->here_index)
                   : NULL;
    }
    return spec == Py_None ? NULL : spec;
}

/* Whether value may be opened: not too deep, and not open already (circular). 0, or -1
 * with the EncodeError. */
static int
check_open(Encoder *e, PyObject *value)
{
    if (e->depth >= e->st->MAX_DEPTH) {
        encoder_error_path(e, e->st->MSG_ENCODE_TOO_DEEP, 0, NULL);
        return -1;
    }
    Py_ssize_t linear = e->depth;
    if (e->depth >= OPEN_LINEAR) {
        if (open_set_has(e, value)) goto circular;
        linear = OPEN_LINEAR - 1;
        if (e->linear_bits == 0) {
            for (Py_ssize_t i = 1; i <= linear; i++) {
                e->linear_bits |= open_bit(e->frames[i].container);
            }
        }
        if (!(e->linear_bits & open_bit(value))) return 0;
    }
    for (Py_ssize_t i = 1; i <= linear; i++) {
        if (e->frames[i].container == value) goto circular;
    }
    return 0;
circular:
    encoder_error_path(e, e->st->MSG_CIRCULAR, 0, NULL);
    return -1;
}

/* A dict (or a subclass, read by its items()) as the frame nf. 0, or -1. */
static int
open_dict(Encoder *e, EncodeFrame *nf, PyObject *value, PyObject *spec)
{
    if (write_char(&e->w, '{') < 0) return -1;
    nf->kind = KIND_DICT;
    if (PyDict_CheckExact(value)) {
        nf->iter_mode = ITER_DICT;
        nf->size = PyDict_GET_SIZE(value);
    }
    else {
        PyObject *items = PyObject_CallMethodNoArgs(value, e->st->str_items);
        if (items == NULL) return -1;
        nf->iter = PyObject_GetIter(items);
        Py_DECREF(items);
        if (nf->iter == NULL) return -1;
        nf->iter_mode = ITER_PAIRS;
    }
    if (spec != NULL && PyTuple_CheckExact(spec)) nf->spec = PyTuple_GET_ITEM(spec, 0);
    return 0;
}

/* The items of set in the encoder's order: sorted by their encoded text (a list, a new
 * reference), or in iteration order when an item cannot be encoded (the loop then reports
 * it at its own path). NULL on error. */
static PyObject *
sorted_set(Encoder *e, PyObject *set)
{
    if (e->set_key == NULL) {
        /* functools.partial(jsv._encode.encode, rename=..., indent=None, default=...) */
        PyObject *kwargs = Py_BuildValue("{OOOOOO}", e->st->str_rename, e->rename,
                                         e->st->str_indent, Py_None, e->st->str_default,
                                         e->default_fn ? e->default_fn : Py_None);
        PyObject *args = kwargs == NULL ? NULL : PyTuple_Pack(1, e->st->py_encode);
        if (args != NULL) e->set_key = PyObject_Call(e->st->py_partial, args, kwargs);
        Py_XDECREF(args);
        Py_XDECREF(kwargs);
        if (e->set_key == NULL) return NULL;
    }
    PyObject *kwargs = Py_BuildValue("{OO}", e->st->str_key, e->set_key);
    PyObject *args = kwargs == NULL ? NULL : PyTuple_Pack(1, set);
    int called = args != NULL;
    PyObject *sorted = called ? PyObject_Call(e->st->py_sorted, args, kwargs) : NULL;
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    if (sorted == NULL && called && PyErr_ExceptionMatches(e->st->EncodeError)) {
        PyErr_Clear();
        sorted = PySequence_List(set);
    }
    return sorted;
}

/* Whether the sequence value is [None] (len(value) == 1 and value[0] is None), which
 * has no JSV form; sets nf's way of iterating it. 1, 0, or -1 on error. */
static int
single_none(EncodeFrame *nf, PyObject *value)
{
    if (PyList_CheckExact(value)) {
        nf->iter_mode = ITER_LIST;
        return PyList_GET_SIZE(value) == 1 && PyList_GET_ITEM(value, 0) == Py_None;
    }
    if (PyTuple_CheckExact(value)) {
        nf->iter_mode = ITER_TUPLE;
        return PyTuple_GET_SIZE(value) == 1 && PyTuple_GET_ITEM(value, 0) == Py_None;
    }
    nf->iter_mode = ITER_ITEMS;
    Py_ssize_t size = PyObject_Size(value);
    if (size != 1) return size < 0 ? -1 : 0;
    PyObject *zero = PyLong_FromLong(0);
    if (zero == NULL) return -1;
    PyObject *first = PyObject_GetItem(value, zero);
    Py_DECREF(zero);
    if (first == NULL) return -1;
    int none = first == Py_None;
    Py_DECREF(first);
    return none;
}

/* A list, tuple or set (*value; a set is replaced by its sorted items) as the frame nf.
 * 0, or -1. */
static int
open_sequence(Encoder *e, EncodeFrame *nf, PyObject **value, PyObject *spec)
{
    if (!PyList_Check(*value) && !PyTuple_Check(*value)) { /* a set */
        PyObject *sorted = sorted_set(e, *value);
        if (sorted == NULL) return -1;
        Py_SETREF(*value, sorted);
    }
    int none = single_none(nf, *value);
    if (none != 0) {
        if (none > 0) encoder_error_path(e, e->st->MSG_SINGLE_NONE_LIST, 0, NULL);
        return -1;
    }
    if (write_char(&e->w, '[') < 0) return -1;
    nf->kind = KIND_LIST;
    if (spec != NULL && PyTuple_CheckExact(spec)) nf->spec = PyTuple_GET_ITEM(spec, 0);
    if (nf->iter_mode == ITER_ITEMS) {
        nf->iter = PyObject_GetIter(*value);
        if (nf->iter == NULL) return -1;
    }
    return 0;
}

/* A dataclass as the frame nf: its written keys (with the colon) and its field values (on
 * the encoder's value stack). Where a __type hint is to be written (spec declares a union
 * or another class), *hint receives it. 0, or -1. */
static int
open_fields(Encoder *e, EncodeFrame *nf, PyObject *value, PyObject *spec, PyObject **hint)
{
    if (write_char(&e->w, '{') < 0) return -1;
    nf->base = e->values.top;
    nf->iter_mode = ITER_FIELDS; /* (a failure releases the specs of such a frame) */
    int hinted = spec != NULL && (spec == Py_True || (!PyTuple_CheckExact(spec) &&
                                                      spec != (PyObject *)Py_TYPE(value)));
    PyObject *colon = e->unit != NULL ? e->st->str_colon_space : e->st->str_colon;
    Py_ssize_t count = jsv_field_values(e->st, value, e->rename_fn, colon, &nf->table,
                                        &nf->spec, hinted ? hint : NULL, &e->values);
    if (count < 0) return -1;
    nf->size = PyTuple_GET_SIZE(nf->table);
    if (count != nf->size) {
        vs_drop(&e->values, nf->base);
        PyErr_Format(PyExc_ValueError, "zip() argument 2 is %s than argument 1",
                     count < nf->size ? "shorter" : "longer");
        return -1;
    }
    nf->kind = KIND_FIELDS;
    return 0;
}

/* Room for one more frame: past the local frames, a deep document, room for 256 at once.
 * 0, or -1 with MemoryError. */
static int
encoder_frames_reserve(Encoder *e)
{
    if (e->depth + 1 < e->capacity) return 0;
    Py_ssize_t capacity = e->capacity < 256 ? 256 : e->capacity * 2;
    EncodeFrame *grown;
    if (e->frames == e->local) {
        grown = PyMem_Malloc(sizeof(EncodeFrame) * (size_t)capacity);
        if (grown != NULL) memcpy(grown, e->local, sizeof(e->local));
    }
    else {
        grown = PyMem_Realloc(e->frames, sizeof(EncodeFrame) * (size_t)capacity);
    }
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    e->frames = grown;
    e->capacity = capacity;
    return 0;
}

/* Make nf, the frame of container (whose reference it takes), the current frame, and
 * write hint (a new reference, consumed; or NULL) as its first entry. 0, or -1. */
static int
push_frame(Encoder *e, EncodeFrame *nf, PyObject *container, PyObject *hint)
{
    nf->container = container;
    int in_set = e->depth + 1 >= OPEN_LINEAR;
    int r = 0;
    if (in_set) {
        /* the first frame in the set: the frames before it may have changed */
        if (e->depth + 1 == OPEN_LINEAR) e->linear_bits = 0;
        r = open_set_add(e, container);
    }
    if (r == 0 && encoder_frames_reserve(e) < 0) {
        if (in_set) open_set_remove(e, container);
        r = -1;
    }
    if (r < 0) {
        if (nf->iter_mode == ITER_FIELDS) vs_drop(&e->values, nf->base);
        frame_clear(nf);
        Py_XDECREF(hint);
        return -1;
    }
    e->frames[++e->depth] = *nf;
    if (hint == NULL) return 0;
    /* the __type entry, first in the map (the frame now owns what nf held) */
    r = (e->unit != NULL ? write_newline(e, e->depth) : 0) < 0 ||
                    write_str(&e->w, hint) < 0 || write_char(&e->w, ',') < 0
                ? -1
                : 0;
    Py_DECREF(hint);
    return r;
}

/* Open container value (a new reference, consumed) as a new frame; plain_dataclass: it
 * is known to be a dataclass that is no dict, list, tuple or set. */
static int
open_container_as(Encoder *e, PyObject *value, int plain_dataclass)
{
    EncodeFrame nf;
    memset(&nf, 0, sizeof(nf));
    nf.here_index = -1;
    PyObject *hint = NULL; /* the __type entry to start the map with, if any */
    PyObject *spec = declared_spec(&e->frames[e->depth]);
    int r = check_open(e, value);
    if (r == 0) {
        if (!plain_dataclass && PyDict_Check(value)) {
            r = open_dict(e, &nf, value, spec);
        }
        else if (!plain_dataclass &&
                 (PyList_Check(value) || PyTuple_Check(value) || PyAnySet_Check(value))) {
            r = open_sequence(e, &nf, &value, spec);
        }
        else {
            r = open_fields(e, &nf, value, spec, &hint);
        }
    }
    if (r == 0) return push_frame(e, &nf, value, hint);
    Py_XDECREF(nf.iter);
    Py_XDECREF(nf.table);
    if (nf.iter_mode == ITER_FIELDS) Py_XDECREF(nf.spec);
    Py_XDECREF(hint);
    Py_DECREF(value);
    return -1;
}

static int
open_container(Encoder *e, PyObject *value)
{
    return open_container_as(e, value, 0);
}

/* The size of the list being written by the current frame (len(container)). */
static Py_ssize_t
frame_length(EncodeFrame *f)
{
    if (f->iter_mode == ITER_LIST) return PyList_GET_SIZE(f->container);
    if (f->iter_mode == ITER_TUPLE) return PyTuple_GET_SIZE(f->container);
    return PyObject_Size(f->container);
}

/* A value of no common type: write its token or open it (value: a new reference, consumed).
 * Mirrors the main loop of _encode.encode() around _resolve(). mark: the output length
 * before this map entry's key (to omit the entry). Returns 0 (written), 1 (opened),
 * 2 (entry omitted) or -1. */
static int
encode_other(Encoder *e, PyObject *value, Py_ssize_t mark)
{
    PyObject *token;
    int c = jsv_write_str_enum(e->st, &e->w, value); /* an enum member with a str value, natively */
    if (c < 0) goto fail;
    if (c) {
        Py_DECREF(value);
        return 0;
    }
    c = jsv_is_dataclass(e->st, value);
    if (c < 0) goto fail;
    if (c) return open_container_as(e, value, c == 2) < 0 ? -1 : 1;
    if (PyFloat_Check(value) || PyUnicode_Check(value)) {
        /* a subclass of float or str that is no enum: written by its base type's value,
         * read from the object (_scalar_token() reads it so too: no method of the
         * subclass runs) */
        c = jsv_is_enum(e->st, value);
        if (c < 0) goto fail;
        if (!c) {
            int r = PyFloat_Check(value) ? write_float(&e->w, PyFloat_AS_DOUBLE(value))
                                         : write_string(&e->w, value);
            Py_DECREF(value);
            return r < 0 ? -1 : 0;
        }
    }
    token = PyObject_CallOneArg(e->st->py_scalar_token, value);
    if (token == NULL) {
        if (!PyErr_ExceptionMatches(e->st->ScalarError)) goto fail;
        PyErr_Clear(); /* _resolve() below raises it again, with the path */
    }
    else if (token != Py_None) {
        Py_DECREF(value);
        int r = write_str(&e->w, token);
        Py_DECREF(token);
        return r;
    }
    else {
        Py_DECREF(token);
        c = is_container(e->st, value);
        if (c < 0) goto fail;
        if (c) return open_container(e, value) < 0 ? -1 : 1;
    }
    /* Everything else (default=, errors) goes through _resolve() itself. */
    PyObject *path = encoder_path(e, 0);
    if (path == NULL) goto fail;
    PyObject *where = PyObject_GetAttr(path, e->st->str_str_method);
    Py_DECREF(path);
    if (where == NULL) goto fail;
    PyObject *result = PyObject_CallFunctionObjArgs(
        e->st->py_resolve, value, e->default_fn ? e->default_fn : Py_None, where, NULL);
    Py_DECREF(where);
    Py_DECREF(value);
    if (result == NULL) return -1;
    if (!PyTuple_CheckExact(result) || PyTuple_GET_SIZE(result) != 2) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_TypeError, "_resolve must return a pair");
        return -1;
    }
    token = PyTuple_GET_ITEM(result, 0);
    if (token != Py_None) {
        EncodeFrame *f = &e->frames[e->depth];
        int empty = PyObject_Not(token);
        if (empty < 0) {
            Py_DECREF(result);
            return -1;
        }
        if (empty && f->kind != KIND_LIST && !e->keep_none) {
            /* default= gave None: omit the entry, as for any None value (spec §2) */
            Py_DECREF(result);
            writer_cut(&e->w, mark);
            e->w.cut = 1;
            return 2;
        }
        if (empty && f->kind == KIND_LIST && e->depth > 0) {
            Py_ssize_t size = frame_length(f);
            if (size < 0) {
                Py_DECREF(result);
                return -1;
            }
            if (size == 1) {
                /* default= gave the only item None: no JSV form (spec §2) */
                Py_DECREF(result);
                encoder_error_path_upto(e, e->depth - 1, e->st->MSG_SINGLE_NONE_LIST, 0, NULL);
                return -1;
            }
        }
        int r = write_str(&e->w, token);
        Py_DECREF(result);
        return r;
    }
    value = PyTuple_GET_ITEM(result, 1);
    Py_INCREF(value);
    Py_DECREF(result);
    return open_container(e, value) < 0 ? -1 : 1;
fail:
    Py_DECREF(value);
    return -1;
}

/* Write the key of a dict item (without its colon). */
static int
write_key(Encoder *e, PyObject *key)
{
    if (PyUnicode_CheckExact(key)) return write_string(&e->w, key);
    PyObject *token = PyObject_CallOneArg(e->st->py_key_token, key);
    if (token == NULL) {
        if (PyErr_ExceptionMatches(e->st->ScalarError)) encoder_error_from_exception(e, 1);
        return -1;
    }
    if (token == Py_None) {
        Py_DECREF(token);
        int c = is_dataclass_instance(e->st, key);
        if (c < 0) return -1;
        if (c) {
            /* a map as the key */
            token = PyObject_CallFunctionObjArgs(e->st->py_encode, key, e->rename, Py_None,
                                                 e->default_fn ? e->default_fn : Py_None,
                                                 NULL);
            if (token == NULL) return -1;
        }
        else {
            encoder_error_path(e, e->st->MSG_UNSUPPORTED_KEY, 1, key);
            return -1;
        }
    }
    int r = write_str(&e->w, token);
    Py_DECREF(token);
    return r;
}

/* Write a str, int, float, bool or None (exact types): 1 if written, 0 if not one, -1. */
ALWAYS_INLINE int
write_simple(Writer *w, PyObject *value)
{
    PyTypeObject *t = Py_TYPE(value);
    if (t == &PyUnicode_Type) return write_string(w, value) < 0 ? -1 : 1;
    if (t == &PyLong_Type) return write_int(w, value) < 0 ? -1 : 1;
    if (value == Py_None) return 1;
    if (t == &PyBool_Type) {
        return (value == Py_True ? write_ascii(w, "True", 4) : write_ascii(w, "False", 5)) < 0
                   ? -1
                   : 1;
    }
    if (t == &PyFloat_Type) return write_float(w, PyFloat_AS_DOUBLE(value)) < 0 ? -1 : 1;
    return 0;
}

/* Compact output, an exact dict: write the items of common types here; return the next
 * other item as next_item() does (1), or 0 when exhausted, -1 on error. */
static int
dict_fast(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    Writer *w = &e->w;
    for (;;) {
        PyObject *k, *v;
        if (PyDict_GET_SIZE(f->container) != f->size) {
            f->size = -1;
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            return -1;
        }
        if (!PyDict_Next(f->container, &f->index, &k, &v)) return 0;
        if (v == Py_None && !e->keep_none) continue;
        if (LIKELY(PyUnicode_CheckExact(k))) {
            PyTypeObject *t = Py_TYPE(v);
            if (t == &PyUnicode_Type || t == &PyLong_Type || t == &PyBool_Type ||
                t == &PyFloat_Type || v == Py_None) {
                if (write_string(w, k) < 0 || write_char(w, ':') < 0) return -1;
                if (write_simple(w, v) < 0) {
                    if (t == &PyLong_Type && PyErr_ExceptionMatches(PyExc_ValueError)) {
                        /* more digits than int -> str allows */
                        Py_INCREF(k);
                        Py_XSETREF(f->here, k);
                        encoder_error_from_exception(e, 0);
                    }
                    return -1;
                }
                if (write_char(w, ',') < 0) return -1;
                continue;
            }
            if (t == &PyDict_Type || t == &PyList_Type || t == &PyTuple_Type) {
                /* a plain container: opened here, as the main loop would (2) */
                if (write_string(w, k) < 0 || write_char(w, ':') < 0) return -1;
                Py_INCREF(k);
                Py_XSETREF(f->here, k);
                Py_INCREF(v);
                return open_container(e, v) < 0 ? -1 : 2;
            }
        }
        Py_INCREF(k);
        Py_INCREF(v);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        *key = k;
        *value = v;
        return 1;
    }
}

/* Compact output, an exact list: as dict_fast(); a plain dataclass item is opened here
 * (2), and enum members with a str value are written here. */
ALWAYS_INLINE int
list_fast(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    Writer *w = &e->w;
    *key = NULL;
    for (;;) {
        if (f->index >= PyList_GET_SIZE(f->container)) return 0;
        PyObject *v = PyList_GET_ITEM(f->container, f->index);
        int r = write_simple(w, v);
        if (r < 0) {
            if (Py_TYPE(v) == &PyLong_Type && PyErr_ExceptionMatches(PyExc_ValueError)) {
                f->here_index = f->index; /* more digits than int -> str allows */
                encoder_error_from_exception(e, 0);
            }
            return -1;
        }
        if (r == 0) {
            PyTypeObject *t = Py_TYPE(v);
            if (t == &PyDict_Type || t == &PyList_Type || t == &PyTuple_Type) {
                /* a plain container: opened here, as the main loop would (2) */
                Py_INCREF(v);
                f->here_index = f->index++;
                return open_container(e, v) < 0 ? -1 : 2;
            }
            Py_INCREF(v); /* the class table may run code that changes the list */
            r = jsv_enum_or_dataclass(e->st, w, v);
            if (r < 0) {
                Py_DECREF(v);
                return -1;
            }
            if (r == 2) { /* a plain dataclass: opened here, without the main loop's tests */
                f->here_index = f->index++;
                return open_container_as(e, v, 1) < 0 ? -1 : 2;
            }
            if (r == 0) { /* for the main loop */
                *value = v;
                f->here_index = f->index++;
                return 1;
            }
            Py_DECREF(v); /* an enum member, written */
        }
        f->index++;
        if (write_char(w, ',') < 0) return -1;
    }
}

/* Compact output, a dataclass: as dict_fast(), for the field values read at its opening;
 * enum members with a str value are written here too, and a plain dataclass value is
 * opened here (2). */
static int
fields_fast(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    Writer *w = &e->w;
    PyObject **values = e->values.items + f->base;
    for (; f->index < f->size; f->index++) {
        PyObject *k = PyTuple_GET_ITEM(f->table, f->index);
        PyObject *v = values[f->index];
        if (v == Py_None && !e->keep_none) continue;
        PyTypeObject *t = Py_TYPE(v);
        if (t == &PyList_Type || t == &PyDict_Type || t == &PyTuple_Type) goto other;
        Py_ssize_t mark = w->len;
        if (write_str(w, k) < 0) return -1;
        int r = write_simple(w, v);
        if (r == 0) {
            r = jsv_enum_or_dataclass(e->st, w, v);
            if (r == 2) { /* a plain dataclass: opened here, its key written */
                Py_INCREF(k);
                Py_XSETREF(f->here, k);
                Py_INCREF(v);
                f->index++;
                return open_container_as(e, v, 1) < 0 ? -1 : 2;
            }
            if (r == 0) {
                /* the main loop writes it, key included (the same key again: the text
                 * stays as wide as the buffer unless the entry is omitted, which marks
                 * the buffer cut) */
                writer_cut(w, mark);
                goto other;
            }
        }
        if (r < 0) {
            if (t == &PyLong_Type && PyErr_ExceptionMatches(PyExc_ValueError)) {
                Py_INCREF(k); /* more digits than int -> str allows */
                Py_XSETREF(f->here, k);
                encoder_error_from_exception(e, 0);
            }
            return -1;
        }
        if (write_char(w, ',') < 0) return -1;
        continue;
    other:
        Py_INCREF(k);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        Py_INCREF(v);
        *key = k;
        *value = v;
        f->index++;
        return 1;
    }
    return 0;
}

/* The next item of the current frame f, as next_item() gives it, by the fast loop of
 * compact output where f has one. */
ALWAYS_INLINE int
encoder_next(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    if (e->unit == NULL) {
        if (f->iter_mode == ITER_DICT) return dict_fast(e, f, key, value);
        if (f->iter_mode == ITER_LIST) return list_fast(e, f, key, value);
        if (f->iter_mode == ITER_FIELDS) return fields_fast(e, f, key, value);
    }
    return next_item(e, f, key, value);
}

/* The current frame f is exhausted: write its closer and make its parent current. 1 when
 * f is the outermost (the document is complete), else 0; -1 on error. */
ALWAYS_INLINE int
close_frame(Encoder *e, EncodeFrame *f)
{
    Writer *w = &e->w;
    if (e->depth == 0) return 1;
    char closer = f->kind == KIND_LIST ? ']' : '}';
    if (w->len > 0 && PyUnicode_READ(w->kind, w->data, w->len - 1) == ',') {
        w->len--;
        if (e->unit != NULL && write_newline(e, e->depth - 1) < 0) return -1;
    }
    if (write_char(w, closer) < 0) return -1;
    if (f->iter_mode == ITER_FIELDS) vs_drop(&e->values, f->base);
    if (e->depth >= OPEN_LINEAR) open_set_remove(e, f->container);
    frame_clear(f);
    e->depth--;
    return write_char(w, ',') < 0 ? -1 : 0;
}

/* What comes before the value of an item of frame f: in indented output its newline, and
 * in a map its key (a new reference, consumed; NULL in a list) and colon. *mark receives
 * where a map's entry starts (for encode_other(), which may take it back). 1: the entry is
 * left out (a None value without keep_none); 0; -1 on error. */
ALWAYS_INLINE int
write_item_start(Encoder *e, EncodeFrame *f, PyObject *key, PyObject *value,
                 Py_ssize_t *mark)
{
    Writer *w = &e->w;
    if (f->kind == KIND_LIST) {
        if (e->unit == NULL || e->depth == 0) return 0;
        return (value != Py_None ? write_newline(e, e->depth) : write_char(w, '\n')) < 0 ? -1
                                                                                         : 0;
    }
    int r = 0;
    if (value == Py_None && !e->keep_none) {
        r = 1;
    }
    else {
        *mark = w->len;
        if (e->unit != NULL && e->depth > 0) r = write_newline(e, e->depth);
    }
    if (r != 0) {
        /* left out, or an error */
    }
    else if (f->kind == KIND_FIELDS) {
        /* the written key with its colon; rstripped for None */
        Py_ssize_t before = w->len;
        r = write_str(w, key);
        while (r == 0 && value == Py_None && w->len > before &&
               jsv_is_space(PyUnicode_READ(w->kind, w->data, w->len - 1))) {
            w->len--;
        }
    }
    else if (write_key(e, key) < 0) {
        r = -1;
    }
    else {
        r = value != Py_None && e->unit != NULL ? write_ascii(w, ": ", 2) : write_char(w, ':');
    }
    Py_DECREF(key);
    return r;
}

/* An exact dict, list, tuple, set or frozenset: opened by open_container(). */
ALWAYS_INLINE int
is_exact_container(PyObject *value)
{
    PyTypeObject *t = Py_TYPE(value);
    return t == &PyDict_Type || t == &PyList_Type || t == &PyTuple_Type || t == &PySet_Type ||
           t == &PyFrozenSet_Type;
}

/* Write the document: the items of the frames, as they open and close. */
static PyObject *
encoder_run(Encoder *e)
{
    Writer *w = &e->w;
    for (;;) {
        EncodeFrame *f = &e->frames[e->depth];
        PyObject *key, *value;
        Py_ssize_t mark = -1;
        int r = encoder_next(e, f, &key, &value);
        if (r != 1) {
            if (r == 0) r = close_frame(e, f); /* f is exhausted */
            if (r < 0) return NULL;
            if (r == 1) break;                 /* the document is complete */
            continue; /* or 2: a container was opened, its frame is the current one */
        }
        r = write_item_start(e, f, key, value, &mark); /* (key is released) */
        if (r == 0) {
            r = write_simple(w, value);
            if (r < 0 && Py_TYPE(value) == &PyLong_Type &&
                PyErr_ExceptionMatches(PyExc_ValueError)) {
                encoder_error_from_exception(e, 0);
            }
        }
        else if (r > 0) {
            r = 2; /* the entry is left out */
        }
        if (r == 0) {
            /* no common type: a container, or any other value (consumed) */
            if (is_exact_container(value)) r = open_container(e, value);
            else if ((r = encode_other(e, value, mark)) == 0) r = write_char(w, ',');
            if (r < 0) return NULL;
            continue;
        }
        Py_DECREF(value);
        if (r < 0 || (r == 1 && write_char(w, ',') < 0)) return NULL;
    }
    if (w->len > 0 && PyUnicode_READ(w->kind, w->data, w->len - 1) == ',') w->len--;
    return writer_finish(e->st, w);
}

/* The rename function of the rename option (a new reference), or NULL. */
static PyObject *
rename_function_of(JsvState *st, PyObject *rename)
{
    PyObject *fn;
    if (rename == Py_None) {
        fn = Py_None;
    }
    else if (rename == st->str_camel ||
             (PyUnicode_CheckExact(rename) && PyUnicode_Compare(rename, st->str_camel) == 0)) {
        fn = st->rename_camel;
    }
    else if (PyUnicode_CheckExact(rename) && PyUnicode_Compare(rename, st->str_pascal) == 0) {
        fn = st->rename_pascal;
    }
    else if (PyUnicode_CheckExact(rename) && PyUnicode_Compare(rename, st->str_snake) == 0) {
        fn = st->rename_snake;
    }
    else {
        return PyObject_CallOneArg(st->py_rename_function, rename);
    }
    Py_INCREF(fn);
    return fn;
}

/* The indentation unit of the indent option in *unit (a new reference; NULL for compact
 * output). 1 for an unusual indent (a bad one, a huge one), which the pure encoder takes,
 * to give it its exact behaviour; 0; -1 on error. */
static int
indent_unit(PyObject *indent, PyObject **unit)
{
    *unit = NULL;
    if (indent == Py_None) return 0;
    if (PyUnicode_Check(indent)) {
        Py_INCREF(indent);
        *unit = indent;
        return 0;
    }
    if (!PyLong_CheckExact(indent)) return 1;
    Py_ssize_t width = PyLong_AsSsize_t(indent);
    if (width == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 1;
    }
    if (width > 4096) return 1;
    *unit = PyUnicode_New(width > 0 ? width : 0, 127);
    if (*unit == NULL) return -1;
    if (width > 0) memset(PyUnicode_1BYTE_DATA(*unit), ' ', (size_t)width);
    return 0;
}

/* encode() (utf8: 0) and encode_bytes() (utf8: 1). */
static PyObject *
encode_impl(JsvState *st, PyObject *obj, PyObject *rename, PyObject *indent, PyObject *default_fn,
            PyObject *keep_none, PyObject *hints, int utf8)
{
    PyObject *rename_fn = rename_function_of(st, rename);
    if (rename_fn == NULL) return NULL;
    PyObject *unit;
    int delegate = indent_unit(indent, &unit);
    if (delegate >= 0 && keep_none != Py_True && keep_none != Py_False) delegate = 1;
    Encoder e;
    e.st = st;
    if (delegate != 0 || jsv_caches_enter(st) < 0 || writer_init(&e.w, utf8) < 0) {
        Py_DECREF(rename_fn);
        Py_XDECREF(unit);
        if (delegate <= 0) return NULL;
        /* unusual options take the pure encoder */
        return PyObject_CallFunctionObjArgs(utf8 ? st->py_encode_bytes : st->py_encode, obj,
                                            rename, indent, default_fn ? default_fn : Py_None,
                                            keep_none, hints, NULL);
    }
    e.frames = e.local;
    e.capacity = ENCODE_LOCAL_FRAMES;
    vs_init(&e.values);
    e.depth = 0;
    e.obj = obj;
    e.rename = rename;
    e.rename_fn = rename_fn;
    e.default_fn = default_fn == Py_None ? NULL : default_fn;
    e.unit = unit;
    e.keep_none = keep_none == Py_True;
    e.set_key = NULL;
    e.open_set = NULL;
    e.open_mask = 0;
    e.linear_bits = 0;
    memset(&e.frames[0], 0, sizeof(EncodeFrame));
    e.frames[0].kind = KIND_LIST;
    e.frames[0].iter_mode = ITER_SINGLE;
    e.frames[0].here_index = -1;
    e.frames[0].spec = hints == Py_None ? NULL : hints;
    Py_INCREF(obj);
    e.frames[0].container = obj;

    PyObject *result = encoder_run(&e);

    for (Py_ssize_t i = 0; i <= e.depth; i++) frame_clear(&e.frames[i]);
    if (e.frames != e.local) PyMem_Free(e.frames);
    if (e.open_set != e.open_local) PyMem_Free(e.open_set);
    vs_free(&e.values);
    writer_free(&e.w);
    Py_DECREF(rename_fn);
    Py_XDECREF(unit);
    Py_XDECREF(e.set_key);
    return result;
}

const char jsv_encode_doc[] = PyDoc_STR(
             "encode($module, /, obj, rename='camel', indent=None, default=None, "
             "keep_none=False, hints=None)\n--\n\n"
             "Encode obj as JSV text; see jsv.dumps().");

/* encode() and encode_bytes(): their arguments, with the defaults of jsv._encode.encode. */
static PyObject *
encode_call(JsvState *st, const char *name, PyObject *const *args, Py_ssize_t nargs,
            PyObject *kwnames,
            int to_bytes)
{
    static const char *const names[] = {"obj",     "rename",    "indent",
                                        "default", "keep_none", "hints"};
    PyObject *a[6];
    if (jsv_unpack_args(name, names, 6, 1, args, nargs, kwnames, a) < 0) return NULL;
    return encode_impl(st, a[0], a[1] ? a[1] : st->str_camel, a[2] ? a[2] : Py_None,
                       a[3] ? a[3] : Py_None, a[4] ? a[4] : Py_False, a[5] ? a[5] : Py_None,
                       to_bytes);
}

PyObject *
jsv_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return encode_call(jsv_state(module), "encode", args, nargs, kwnames, 0);
}

const char jsv_encode_bytes_doc[] = PyDoc_STR(
             "encode_bytes($module, /, obj, rename='camel', indent=None, default=None, "
             "keep_none=False, hints=None)\n--\n\n"
             "Encode obj as JSV text in UTF-8 bytes; see jsv.dumpb().");

PyObject *
jsv_encode_bytes(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames)
{
    return encode_call(jsv_state(module), "encode_bytes", args, nargs, kwnames, 1);
}

const char jsv_set_simd_doc[] = PyDoc_STR(
             "_set_simd($module, enabled, /)\n--\n\n"
             "Switch the SSE2 paths on or off (for the tests: off runs their scalar twins); "
             "returns the previous setting.");

PyObject *
jsv_set_simd(PyObject *module, PyObject *enabled)
{
    (void)module;
    int on = PyObject_IsTrue(enabled);
    if (on < 0) return NULL;
    int previous = jsv_use_simd;
    jsv_use_simd = on;
    return PyBool_FromLong(previous);
}

int
jsv_write_string(Writer *w, PyObject *s)
{
    return write_string(w, s);
}

